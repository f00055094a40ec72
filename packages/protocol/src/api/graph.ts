import { z } from 'zod';
import { PageQuery, page } from '../common.ts';
import { FollowResult, HandleParams, ListedUser } from '../graph.ts';
import { UserSummary } from '../accounts.ts';
import { endpoint } from './endpoint.ts';

const relationship = (method: 'PUT' | 'DELETE', action: 'follow' | 'block', summary: string) =>
  endpoint({
    method,
    path: `/api/v1/users/:handle/${action}`,
    auth: 'user',
    summary,
    tags: ['graph'],
    params: HandleParams,
    response: FollowResult,
    errors: ['not_found', 'blocked', 'rate_limited'],
  });

const list = (direction: 'followers' | 'following' | 'friends') =>
  endpoint({
    method: 'GET',
    path: `/api/v1/users/:handle/${direction}`,
    auth: 'optional',
    summary: `List ${direction}, newest first (cursor pagination)`,
    tags: ['graph'],
    params: HandleParams,
    query: PageQuery,
    response: page(ListedUser),
    errors: ['not_found'],
  });

export const graphApi = {
  follow: relationship('PUT', 'follow', 'Follow this person'),
  unfollow: relationship('DELETE', 'follow', 'Stop following this person'),
  block: relationship('PUT', 'block', 'Block this person (removes follows both ways)'),
  unblock: relationship('DELETE', 'block', 'Unblock this person'),
  followers: list('followers'),
  following: list('following'),
  friends: list('friends'),
  popular: endpoint({
    method: 'GET',
    path: '/api/v1/people/popular',
    auth: 'optional',
    summary: 'The most-followed people, most followers first (who to discover); without anyone who blocked me or I blocked',
    tags: ['graph'],
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(50).default(12) }),
    response: z.object({ items: z.array(UserSummary) }),
  }),
  blocks: endpoint({
    method: 'GET',
    path: '/api/v1/me/blocks',
    auth: 'user',
    summary: 'People I have blocked',
    tags: ['graph'],
    response: z.object({ items: z.array(UserSummary) }),
  }),
};
