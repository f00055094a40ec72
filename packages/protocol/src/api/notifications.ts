import { Ok, PageQuery } from '../common.ts';
import { Badges, MarkReadBody, NotificationPage, UnreadCount } from '../notifications.ts';
import { endpoint } from './endpoint.ts';

const tags = ['notifications'];

export const notificationsApi = {
  list: endpoint({
    method: 'GET',
    path: '/api/v1/notifications',
    auth: 'user',
    summary: 'My inbox, newest first',
    tags,
    query: PageQuery,
    response: NotificationPage,
  }),
  unreadCount: endpoint({
    method: 'GET',
    path: '/api/v1/notifications/unread-count',
    auth: 'user',
    summary: 'How many inbox items are unread',
    tags,
    response: UnreadCount,
  }),
  badges: endpoint({
    method: 'GET',
    path: '/api/v1/notifications/badges',
    auth: 'user',
    summary: 'The Messages tab counts: unread notifications and unread direct messages',
    tags,
    response: Badges,
  }),
  markRead: endpoint({
    method: 'POST',
    path: '/api/v1/notifications/read',
    auth: 'user',
    summary: 'Mark inbox items read (all, up to an id, or the ones listed)',
    tags,
    body: MarkReadBody,
    response: Ok,
  }),
};
