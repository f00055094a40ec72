import { api } from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import type { FeedsService } from './service.ts';

export function registerFeedRoutes(router: Router, feeds: FeedsService): void {
  router.implement(api.feeds.friends, async ({ user, query }) => feeds.friends(user.id, query.cursor, query.limit));
  router.implement(api.feeds.forYou, async ({ user, query }) => feeds.forYou(user?.id ?? null, query.limit));
}
