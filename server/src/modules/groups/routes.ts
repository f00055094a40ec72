import { api } from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { GroupsService } from './service.ts';

const ok = { ok: true as const };

export function registerGroupRoutes(router: Router, groups: GroupsService, accounts: AccountsService): void {
  const g = api.groups;
  router.implement(g.create, async ({ user, body }) => groups.create(user.id, body));
  router.implement(g.mine, async ({ user }) => ({ items: await groups.mine(user.id) }));
  router.implement(g.ofCreator, async ({ user, params }) => ({
    items: await groups.ofCreator(user?.id ?? null, (await accounts.byHandle(params.handle)).id),
  }));
  router.implement(g.get, async ({ user, params }) => groups.get(user?.id ?? null, params.id));
  router.implement(g.update, async ({ user, params, body }) => groups.update(user.id, params.id, body));
  router.implement(g.join, async ({ user, params, body }) => groups.join(user.id, params.id, body.inviteCode));
  router.implement(g.leave, async ({ user, params }) => (await groups.leave(user.id, params.id), ok));
  router.implement(g.members, async ({ user, params, query }) =>
    groups.members(user.id, params.id, query.status, query.cursor, query.limit),
  );
  router.implement(g.moderate, async ({ user, params, body }) => (await groups.moderate(user.id, params.id, params.userId, body), ok));
  router.implement(g.messages, async ({ user, params, query }) => groups.messages(user.id, params.id, query.before, query.limit));
  router.implement(g.read, async ({ user, params, body }) => groups.read(user.id, params.id, body.seq));
  router.implement(g.deleteMessage, async ({ user, params }) => (await groups.deleteMessage(user.id, params.id, params.seq), ok));
  router.implement(g.dropCoupon, async ({ user, params, body }) => groups.dropCoupon(user.id, params.id, body.couponId));
}
