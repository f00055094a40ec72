import { z } from 'zod';
import { FollowResult, HandleParams, ListedUser, PageQuery, UserSummary, page } from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import type { GraphService } from './service.ts';

export function registerGraphRoutes(router: Router, graph: GraphService): void {
  for (const [method, action, summary] of [
    ['PUT', 'follow', 'Follow this person'],
    ['DELETE', 'follow', 'Stop following this person'],
    ['PUT', 'block', 'Block this person (removes follows both ways)'],
    ['DELETE', 'block', 'Unblock this person'],
  ] as const) {
    router.add({
      method,
      url: `/api/v1/users/:handle/${action}`,
      auth: 'user',
      summary,
      tags: ['graph'],
      params: HandleParams,
      response: FollowResult,
      handler: async ({ user, params }) => {
        const run = {
          'PUT follow': () => graph.follow(user.id, params.handle),
          'DELETE follow': () => graph.unfollow(user.id, params.handle),
          'PUT block': () => graph.block(user.id, params.handle),
          'DELETE block': () => graph.unblock(user.id, params.handle),
        }[`${method} ${action}`];
        return { relationship: await run() };
      },
    });
  }

  for (const direction of ['followers', 'following', 'friends'] as const) {
    router.add({
      method: 'GET',
      url: `/api/v1/users/:handle/${direction}`,
      auth: 'optional',
      summary: `List ${direction}, newest first (cursor pagination)`,
      tags: ['graph'],
      params: HandleParams,
      query: PageQuery,
      response: page(ListedUser),
      handler: async ({ user, params, query }) => graph.list(user?.id ?? null, params.handle, direction, query.cursor, query.limit),
    });
  }

  router.add({
    method: 'GET',
    url: '/api/v1/me/blocks',
    auth: 'user',
    summary: 'People I have blocked',
    tags: ['graph'],
    response: z.object({ items: z.array(UserSummary) }),
    handler: async ({ user }) => ({ items: await graph.blocked(user.id) }),
  });
}
