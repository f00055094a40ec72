import type { FastifyReply, FastifyRequest } from 'fastify';
import { api } from '@tremolo/protocol';
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
    reply.setCookie(DEVICE_COOKIE, d.value, {
      httpOnly: true,
      sameSite: 'lax',
      secure: opts.cookieSecure,
      path: '/api/v1/auth',
      expires: d.expiresAt,
    });
  const sessionInfo = (user: UserRow, csrfToken: string) => ({ user: accounts.me(user), csrfToken });

  const a = api.accounts;
  router.implement(a.signup, async ({ body, req, reply }) => {
    const { user, session, device } = await accounts.signup(body, req.ip);
    setSessionCookie(reply, session);
    setDeviceCookie(reply, device);
    return sessionInfo(user, session.csrfToken);
  });
  router.implement(a.login, async ({ body, req, reply }) => {
    const { user, session, device } = await accounts.login(body.handle, body.password, {
      ip: req.ip,
      deviceMark: readCookie(req.headers.cookie, DEVICE_COOKIE),
    });
    setSessionCookie(reply, session);
    setDeviceCookie(reply, device);
    return sessionInfo(user, session.csrfToken);
  });
  router.implement(a.logout, async ({ req, reply }) => {
    await accounts.logout(sessionToken(req));
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true as const };
  });
  router.implement(a.session, async ({ user }) => sessionInfo(await accounts.mustGet(user.id), user.csrfToken));
  router.implement(a.changePassword, async ({ user, body, req }) => {
    await accounts.changePassword(user.id, body.currentPassword, body.newPassword, sessionToken(req) ?? '');
    return { ok: true as const };
  });
  router.implement(a.me, async ({ user }) => accounts.me(await accounts.mustGet(user.id)));
  router.implement(a.updateMe, async ({ user, body }) => accounts.me(await accounts.updateProfile(user.id, body)));
  router.implement(a.setAvatar, async ({ user, req }) => {
    const { file } = await readUpload(req, { what: 'avatar', into: 'memory' });
    return accounts.me(await accounts.setAvatar(user.id, file));
  });
  router.implement(a.clearAvatar, async ({ user }) => accounts.me(await accounts.clearAvatar(user.id)));
}

export function registerPeopleLookup(router: Router, accounts: AccountsService): void {
  router.implement(api.accounts.people, async ({ query }) => ({ items: [...(await accounts.summaries(query.ids)).values()] }));
}

function sessionToken(req: FastifyRequest): string | undefined {
  return readCookie(req.headers.cookie, SESSION_COOKIE);
}
