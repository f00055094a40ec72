import { api } from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import type { NotificationsService } from './service.ts';

export function registerNotificationRoutes(router: Router, notifications: NotificationsService): void {
  const n = api.notifications;
  router.implement(n.list, async ({ user, query }) => notifications.list(user.id, query.cursor, query.limit));
  router.implement(n.unreadCount, async ({ user }) => ({ unread: await notifications.unread(user.id) }));
  router.implement(n.badges, async ({ user }) => notifications.badges(user.id));
  router.implement(n.markRead, async ({ user, body }) => {
    await notifications.markRead(user.id, body.upTo, body.ids);
    return { ok: true as const };
  });
}
