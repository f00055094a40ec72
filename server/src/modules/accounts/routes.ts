import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ChangePasswordBody, LoginBody, Me, Ok, SessionInfo, SignupBody, UpdateProfileBody, UserSummary, text } from '@tremolo/protocol';
import { SESSION_COOKIE, readCookie } from '../../platform/auth/session.ts';
import { DEVICE_COOKIE } from '../../platform/auth/device.ts';
import type { Router } from '../../platform/http/route.ts';
import { readUpload } from '../../platform/http/upload.ts';
import type { AccountsService, NewSession } from './service.ts';
import type { UserRow } from './repo.ts';

export function registerAccountRoutes(router: Router, accounts: AccountsService, opts: { cookieSecure: boolean }): void {
  const setSessionCookie = (reply: FastifyReply, s: NewSession) =>
    reply.setCookie(SESSION_COOKIE, s.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: opts.cookieSecure,
      path: '/',
      expires: s.expiresAt,
    });
  const setDeviceCookie = (reply: FastifyReply, d: { value: string; expiresAt: Date }) =>
    reply.setCookie(DEVICE_COOKIE, d.value, { httpOnly: true, sameSite: 'lax', secure: opts.cookieSecure, path: '/api/v1/auth', expires: d.expiresAt });
  const sessionInfo = (user: UserRow, csrfToken: string) => ({ user: accounts.me(user), csrfToken });

  router.add({
    method: 'POST',
    url: '/api/v1/auth/signup',
    auth: 'none',
    summary: 'Create an account and log in',
    tags: ['accounts'],
    body: SignupBody,
    response: SessionInfo,
    status: 201,
    handler: async ({ body, req, reply }) => {
      const { user, session, device } = await accounts.signup(body, req.ip);
      setSessionCookie(reply, session);
      setDeviceCookie(reply, device);
      return sessionInfo(user, session.csrfToken);
    },
  });

  router.add({
    method: 'POST',
    url: '/api/v1/auth/login',
    auth: 'none',
    summary: 'Log in with handle and password',
    tags: ['accounts'],
    body: LoginBody,
    response: SessionInfo,
    handler: async ({ body, req, reply }) => {
      const { user, session, device } = await accounts.login(body.handle, body.password, { ip: req.ip, deviceMark: readCookie(req.headers.cookie, DEVICE_COOKIE) });
      setSessionCookie(reply, session);
      setDeviceCookie(reply, device);
      return sessionInfo(user, session.csrfToken);
    },
  });

  router.add({
    method: 'POST',
    url: '/api/v1/auth/logout',
    auth: 'user',
    summary: 'End this session',
    tags: ['accounts'],
    response: Ok,
    handler: async ({ req, reply }) => {
      await accounts.logout(sessionToken(req));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true as const };
    },
  });

  router.add({
    method: 'GET',
    url: '/api/v1/auth/session',
    auth: 'user',
    summary: 'Who is logged in, with the CSRF token for state-changing calls',
    tags: ['accounts'],
    response: SessionInfo,
    handler: async ({ user }) => sessionInfo(await accounts.mustGet(user.id), user.csrfToken),
  });

  router.add({
    method: 'POST',
    url: '/api/v1/auth/password',
    auth: 'user',
    summary: 'Change password; other sessions are logged out',
    tags: ['accounts'],
    body: ChangePasswordBody,
    response: Ok,
    handler: async ({ user, body, req }) => {
      await accounts.changePassword(user.id, body.currentPassword, body.newPassword, sessionToken(req) ?? '');
      return { ok: true as const };
    },
  });

  router.add({
    method: 'GET',
    url: '/api/v1/me',
    auth: 'user',
    summary: 'My profile',
    tags: ['accounts'],
    response: Me,
    handler: async ({ user }) => accounts.me(await accounts.mustGet(user.id)),
  });

  router.add({
    method: 'PATCH',
    url: '/api/v1/me',
    auth: 'user',
    summary: 'Edit my profile',
    tags: ['accounts'],
    body: UpdateProfileBody,
    response: Me,
    handler: async ({ user, body }) => accounts.me(await accounts.updateProfile(user.id, body)),
  });

  router.add({
    method: 'PUT',
    url: '/api/v1/me/avatar',
    auth: 'user',
    summary: 'Upload an avatar (multipart field "file"; JPEG, PNG or WebP)',
    tags: ['accounts'],
    rawBody: true,
    response: Me,
    handler: async ({ user, req }) => {
      const { file } = await readUpload(req, { what: 'avatar', into: 'memory' });
      return accounts.me(await accounts.setAvatar(user.id, file));
    },
  });

  router.add({
    method: 'DELETE',
    url: '/api/v1/me/avatar',
    auth: 'user',
    summary: 'Remove my avatar',
    tags: ['accounts'],
    response: Me,
    handler: async ({ user }) => accounts.me(await accounts.clearAvatar(user.id)),
  });
}

export function registerPeopleLookup(router: Router, accounts: AccountsService): void {
  router.add({
    method: 'GET',
    url: '/api/v1/users',
    auth: 'optional',
    summary: 'Public summaries of people by id (names and avatars for chat history and lists)',
    tags: ['accounts'],
    query: z.strictObject({ ids: text().max(3800).transform((s) => [...new Set(s.split(',').filter(Boolean))]).pipe(z.array(z.uuid()).min(1).max(100)) }),
    response: z.object({ items: z.array(UserSummary) }),
    handler: async ({ query }) => ({ items: [...(await accounts.summaries(query.ids)).values()] }),
  });
}

function sessionToken(req: FastifyRequest): string | undefined {
  return readCookie(req.headers.cookie, SESSION_COOKIE);
}
