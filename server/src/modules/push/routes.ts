import { api } from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import type { PushService } from './service.ts';

export function registerPushRoutes(router: Router, push: PushService): void {
  const p = api.push;
  router.implement(p.key, async () => ({ publicKey: await push.publicKey() }));
  router.implement(p.subscribe, async ({ user, body }) => ({ id: await push.subscribe(user.id, body) }));
  router.implement(p.unsubscribe, async ({ user, body }) => {
    await push.unsubscribe(user.id, body.endpoint);
    return { ok: true as const };
  });
  router.implement(p.prefs, async ({ user }) => push.prefs(user.id));
  router.implement(p.setPrefs, async ({ user, body }) => push.setPrefs(user.id, body));
}
