import { api } from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import type { DmsService } from './service.ts';

export function registerDmRoutes(router: Router, dms: DmsService): void {
  const d = api.dms;
  router.implement(d.list, async ({ user }) => ({ items: await dms.list(user.id) }));
  router.implement(d.get, async ({ user, params }) => dms.get(user.id, params.handle));
  router.implement(d.messages, async ({ user, params, query }) => dms.messages(user.id, params.handle, query.before, query.limit));
  for (const action of ['accept', 'ignore'] as const) {
    router.implement(d[action], async ({ user, params }) => dms.setStatus(user.id, params.handle, action));
  }
  router.implement(d.read, async ({ user, params, body }) => dms.read(user.id, params.handle, body.seq));
}
