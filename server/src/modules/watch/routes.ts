import { api } from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import type { WatchService } from './service.ts';

export function registerWatchRoutes(router: Router, watch: WatchService): void {
  const w = api.watch;
  router.implement(w.create, async ({ user, body }) => watch.create(user.id, body));
  router.implement(w.get, async ({ user, params }) => watch.get(user.id, params.id));
  router.implement(w.preview, async ({ user, params }) => watch.preview(user?.id ?? null, params.id));
  router.implement(w.join, async ({ user, params }) => watch.join(user.id, params.id));
  router.implement(w.leave, async ({ user, params }) => {
    await watch.leave(user.id, params.id);
    return { ok: true as const };
  });
  router.implement(w.handOver, async ({ user, params, body }) => watch.handOver(user.id, params.id, body.userId));
  router.implement(w.setControl, async ({ user, params, body }) => watch.setControl(user.id, params.id, body.mode, body.cohosts));
  router.implement(w.addToPlaylist, async ({ user, params, body }) => watch.addToPlaylist(user.id, params.id, body.videoIds));
}
