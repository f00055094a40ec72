import { api } from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import type { GraphService } from './service.ts';

export function registerGraphRoutes(router: Router, graph: GraphService): void {
  const g = api.graph;
  router.implement(g.follow, async ({ user, params }) => ({ relationship: await graph.follow(user.id, params.handle) }));
  router.implement(g.unfollow, async ({ user, params }) => ({ relationship: await graph.unfollow(user.id, params.handle) }));
  router.implement(g.block, async ({ user, params }) => ({ relationship: await graph.block(user.id, params.handle) }));
  router.implement(g.unblock, async ({ user, params }) => ({ relationship: await graph.unblock(user.id, params.handle) }));
  for (const direction of ['followers', 'following', 'friends'] as const) {
    router.implement(g[direction], async ({ user, params, query }) =>
      graph.list(user?.id ?? null, params.handle, direction, query.cursor, query.limit),
    );
  }
  router.implement(g.popular, async ({ user, query }) => ({ items: await graph.popular(user?.id ?? null, query.limit) }));
  router.implement(g.blocks, async ({ user }) => ({ items: await graph.blocked(user.id) }));
}
