import type { Platform } from '../../platform/module.ts';
import type { DmsService } from '../dms/service.ts';
import type { GroupsService } from '../groups/service.ts';
import type { NotificationsService } from '../notifications/service.ts';
import { MemoryFocusMarks, RedisFocusMarks } from './focus.ts';
import { registerPushRoutes } from './routes.ts';
import { PushService } from './service.ts';

/** A focused app repeats its `focus` frame every minute; a mark outlives two missed repeats' worth. */
const FOCUS_TTL_MS = 150_000;

export function register(p: Platform, deps: { notifications: NotificationsService; groups: GroupsService; dms: DmsService }): PushService {
  const focus = p.redis ? new RedisFocusMarks(p.redis, p.config.redisPrefix, FOCUS_TTL_MS) : new MemoryFocusMarks(FOCUS_TTL_MS);
  const push = new PushService({
    db: p.db,
    jobs: p.jobs,
    limits: p.limits,
    focus,
    log: p.log,
    contact: p.config.push.contact,
    allowHttpEndpoints: p.config.push.allowHttpEndpoints,
    ...deps,
  });
  p.realtime.onFocus((userId, device, focused) => push.focusChanged(userId, device, focused));
  registerPushRoutes(p.router, push);
  // Made at the first start, so the key every browser subscribes with exists before anyone asks.
  push.keys().catch((err: unknown) => p.log.warn({ err }, 'VAPID keys not ready yet'));
  return push;
}
