import { api } from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import type { Match } from './parts.ts';

const ok = { ok: true as const };

export function registerMatchRoutes(router: Router, { profile, moderation }: Pick<Match, 'profile' | 'moderation'>): void {
  const m = api.match;
  router.implement(m.me, async ({ user }) => profile.me(user.id));
  router.implement(m.optIn, async ({ user, body }) => profile.optIn(user.id, body));
  router.implement(m.setPrefs, async ({ user, body }) => profile.setPrefs(user.id, body));
  router.implement(m.report, async ({ user, body }) => moderation.report(user.id, body));
  router.implement(m.block, async ({ user, body }) => (await moderation.block(user.id, body.userId), ok));
  router.implement(m.reports, async ({ user, query }) => moderation.reports(user.id, query.status, query.cursor, query.limit));
  router.implement(m.snapshot, async ({ user, params, reply }) => {
    const s = await moderation.snapshot(user.id, params.id);
    reply.code(200).header('content-type', s.type).header('cache-control', 'private, no-store').header('x-content-type-options', 'nosniff');
    return reply.send(s.bytes);
  });
  router.implement(m.review, async ({ user, params, body }) => (await moderation.review(user.id, params.id, body.status), ok));
  router.implement(m.ban, async ({ user, body }) => (await moderation.ban(user.id, body.userId, body.reason, body.reportId), ok));
  router.implement(m.unban, async ({ user, params }) => (await moderation.unban(user.id, params.userId), ok));
}
