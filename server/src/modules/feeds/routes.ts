import { FeedPage, FeedQuery, PageQuery } from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import type { FeedsService } from './service.ts';

export function registerFeedRoutes(router: Router, feeds: FeedsService): void {
  router.add({
    method: 'GET',
    url: '/api/v1/feeds/friends',
    auth: 'user',
    summary: 'Friends (朋友): videos of my mutual follows, newest first, friends-only posts included',
    tags: ['feeds'],
    query: PageQuery,
    response: FeedPage,
    handler: async ({ user, query }) => feeds.friends(user.id, query.cursor, query.limit),
  });

  router.add({
    method: 'GET',
    url: '/api/v1/feeds/for-you',
    auth: 'optional',
    summary: 'For You: interest-ranked videos blended with what friends and followed creators like; each page is new',
    tags: ['feeds'],
    query: FeedQuery,
    response: FeedPage,
    handler: async ({ user, query }) => feeds.forYou(user?.id ?? null, query.limit),
  });
}
