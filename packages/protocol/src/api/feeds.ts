import { PageQuery } from '../common.ts';
import { FeedPage, FeedQuery } from '../videos.ts';
import { endpoint } from './endpoint.ts';

export const feedsApi = {
  friends: endpoint({
    method: 'GET',
    path: '/api/v1/feeds/friends',
    auth: 'user',
    summary: 'Friends (朋友): videos of my mutual follows, newest first, friends-only posts included',
    tags: ['feeds'],
    query: PageQuery,
    response: FeedPage,
  }),
  forYou: endpoint({
    method: 'GET',
    path: '/api/v1/feeds/for-you',
    auth: 'optional',
    summary: 'For You: interest-ranked videos blended with what friends and followed creators like; each page is new',
    tags: ['feeds'],
    query: FeedQuery,
    response: FeedPage,
  }),
};
