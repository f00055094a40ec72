import { MarkReadBody, Notification, Ok, PageQuery, UnreadCount, page } from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import type { NotificationsService } from './service.ts';

export function registerNotificationRoutes(router: Router, notifications: NotificationsService): void {
  router.add({
    method: 'GET',
    url: '/api/v1/notifications',
    auth: 'user',
    summary: 'My inbox, newest first',
    tags: ['notifications'],
    query: PageQuery,
    response: page(Notification),
    handler: async ({ user, query }) => notifications.list(user.id, query.cursor, query.limit),
  });

  router.add({
    method: 'GET',
    url: '/api/v1/notifications/unread-count',
    auth: 'user',
    summary: 'How many inbox items are unread',
    tags: ['notifications'],
    response: UnreadCount,
    handler: async ({ user }) => ({ unread: await notifications.unread(user.id) }),
  });

  router.add({
    method: 'POST',
    url: '/api/v1/notifications/read',
    auth: 'user',
    summary: 'Mark inbox items read (all, or up to an id)',
    tags: ['notifications'],
    body: MarkReadBody,
    response: Ok,
    handler: async ({ user, body }) => {
      await notifications.markRead(user.id, body.upTo);
      return { ok: true as const };
    },
  });
}
