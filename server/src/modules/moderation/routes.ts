import { api } from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import type { ModerationService } from './service.ts';

const ok = { ok: true } as const;

export function registerModerationRoutes(router: Router, moderation: ModerationService): void {
  const m = api.moderation;
  router.implement(m.report, async ({ user, body }) => moderation.report(user.id, body));
  router.implement(m.me, async ({ user }) => moderation.me(user.id));
  router.implement(m.appeal, async ({ user, params, body }) => (await moderation.appeal(user.id, params.id, body.text), ok));
  router.implement(m.queue, async ({ user, query }) => moderation.queue(user.id, query));
  router.implement(m.dismiss, async ({ user, params }) => (await moderation.dismiss(user.id, params.id), ok));
  router.implement(m.act, async ({ user, body }) => moderation.act(user.id, body));
  router.implement(m.appeals, async ({ user, query }) => moderation.appeals(user.id, query.status, query.cursor));
  router.implement(
    m.decideAppeal,
    async ({ user, params, body }) => (await moderation.decideAppeal(user.id, params.id, body.decision, body.note), ok),
  );
  router.implement(m.audit, async ({ user, query }) => moderation.auditLog(user.id, query.cursor));
  router.implement(m.words, async ({ user, query }) => ({ items: await moderation.words(user.id, query.scope) }));
  router.implement(m.addWord, async ({ user, body }) => moderation.addWord(user.id, body.scope, body.word, body.action));
  router.implement(m.removeWord, async ({ user, params }) => (await moderation.removeWord(user.id, params.id), ok));
  router.implement(m.held, async ({ user, query }) => ({ items: await moderation.held(user.id, query.scope) }));
  router.implement(m.decideHeld, async ({ user, params, body }) => (await moderation.decideHeld(user.id, params.id, body.decision), ok));
}
