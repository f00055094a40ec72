import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { MatchBanBody, MatchBlockBody, MatchOptIn, MatchOptInBody, MatchPrefsBody, MatchReportBody, MatchReportPage, MatchReportParams, MatchReportQuery, MatchReviewBody, MatchUserParams, Ok } from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import type { MatchService } from './service.ts';

const Streamed = z.custom<FastifyReply>();

export function registerMatchRoutes(router: Router, match: MatchService): void {
  const tags = ['match'];
  router.add({
    method: 'GET', url: '/api/v1/match/me', auth: 'user', tags, summary: '连线 opt-in state: 18+ and rules, interests, languages, cool-down, ban, ICE servers',
    response: MatchOptIn,
    handler: async ({ user }) => match.me(user.id),
  });
  router.add({
    method: 'PUT', url: '/api/v1/match/me', auth: 'user', tags, summary: 'Opt in to 连线: confirm 18+, accept the rules, choose interests and languages (stored)',
    body: MatchOptInBody, response: MatchOptIn,
    handler: async ({ user, body }) => match.optIn(user.id, body),
  });
  router.add({
    method: 'PATCH', url: '/api/v1/match/me', auth: 'user', tags, summary: 'Store the interests and languages picked in the 连线 lobby (after the opt-in)',
    body: MatchPrefsBody, response: MatchOptIn,
    handler: async ({ user, body }) => match.setPrefs(user.id, body),
  });
  router.add({
    method: 'POST', url: '/api/v1/match/reports', auth: 'user', tags, summary: 'Report someone met in 连线 or shake, optionally with a snapshot frame of their video; ends the call',
    body: MatchReportBody, response: z.object({ id: z.uuid() }), status: 201,
    handler: async ({ user, body }) => match.report(user.id, body),
  });
  router.add({
    method: 'POST', url: '/api/v1/match/blocks', auth: 'user', tags, summary: 'Block someone from a call: ends it, never matched again',
    body: MatchBlockBody, response: Ok,
    handler: async ({ user, body }) => {
      await match.block(user.id, body.userId);
      return { ok: true as const };
    },
  });

  const admin = ['match', 'moderation'];
  router.add({
    method: 'GET', url: '/api/v1/admin/match/reports', auth: 'user', tags: admin, summary: 'Reports to review, newest first (moderators)',
    query: MatchReportQuery, response: MatchReportPage,
    handler: async ({ user, query }) => match.reports(user.id, query.status, query.cursor, query.limit),
  });
  router.add({
    method: 'GET', url: '/api/v1/admin/match/reports/:id/snapshot', auth: 'user', tags: admin, summary: "The snapshot attached to a report (moderators only, never cached)",
    params: MatchReportParams, response: Streamed, binary: 'image/jpeg',
    handler: async ({ user, params, reply }) => {
      const s = await match.snapshot(user.id, params.id);
      reply.code(200).header('content-type', s.type).header('cache-control', 'private, no-store').header('x-content-type-options', 'nosniff');
      return reply.send(s.bytes);
    },
  });
  router.add({
    method: 'PUT', url: '/api/v1/admin/match/reports/:id', auth: 'user', tags: admin, summary: 'Mark a report dismissed or actioned (moderators)',
    params: MatchReportParams, body: MatchReviewBody, response: Ok,
    handler: async ({ user, params, body }) => {
      await match.review(user.id, params.id, body.status);
      return { ok: true as const };
    },
  });
  router.add({
    method: 'POST', url: '/api/v1/admin/match/bans', auth: 'user', tags: admin, summary: 'Ban someone from 连线 and shake: out of the queue and any call within a second, on every node (moderators)',
    body: MatchBanBody, response: Ok,
    handler: async ({ user, body }) => {
      await match.ban(user.id, body.userId, body.reason, body.reportId);
      return { ok: true as const };
    },
  });
  router.add({
    method: 'DELETE', url: '/api/v1/admin/match/bans/:userId', auth: 'user', tags: admin, summary: 'Lift a ban (moderators)',
    params: MatchUserParams, response: Ok,
    handler: async ({ user, params }) => {
      await match.unban(user.id, params.userId);
      return { ok: true as const };
    },
  });
}
