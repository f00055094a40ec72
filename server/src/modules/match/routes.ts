import { api } from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import type { MatchService } from './service.ts';

const ok = { ok: true as const };

export function registerMatchRoutes(router: Router, match: MatchService): void {
  const m = api.match;
  router.implement(m.me, async ({ user }) => match.me(user.id));
  router.implement(m.optIn, async ({ user, body }) => match.optIn(user.id, body));
  router.implement(m.setPrefs, async ({ user, body }) => match.setPrefs(user.id, body));
  router.implement(m.report, async ({ user, body }) => match.report(user.id, body));
  router.implement(m.block, async ({ user, body }) => (await match.block(user.id, body.userId), ok));
  router.implement(m.reports, async ({ user, query }) => match.reports(user.id, query.status, query.cursor, query.limit));
  router.implement(m.snapshot, async ({ user, params, reply }) => {
    const s = await match.snapshot(user.id, params.id);
    reply.code(200).header('content-type', s.type).header('cache-control', 'private, no-store').header('x-content-type-options', 'nosniff');
    return reply.send(s.bytes);
  });
  router.implement(m.review, async ({ user, params, body }) => (await match.review(user.id, params.id, body.status), ok));
  router.implement(m.ban, async ({ user, body }) => (await match.ban(user.id, body.userId, body.reason, body.reportId), ok));
  router.implement(m.unban, async ({ user, params }) => (await match.unban(user.id, params.userId), ok));
}
