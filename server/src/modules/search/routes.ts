import { api } from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import type { SearchService } from './service.ts';

export function registerSearchRoutes(router: Router, search: SearchService): void {
  const s = api.search;
  router.implement(s.suggest, async ({ user, query, req }) => search.suggest(user?.id ?? null, req.ip, query.q, query.limit));
  router.implement(s.search, async ({ user, query, req }) => search.search(user?.id ?? null, req.ip, query));
  router.implement(s.shop, async ({ user, params, query, req }) => search.shopSearch(user?.id ?? null, req.ip, params.sellerId, query));
  router.implement(s.recent, async ({ user }) => search.recent(user.id));
  router.implement(s.clearRecent, async ({ user }) => {
    await search.clearRecent(user.id);
    return { ok: true as const };
  });
  router.implement(s.deleteRecent, async ({ user, params }) => {
    await search.deleteRecent(user.id, params.id);
    return { ok: true as const };
  });
  router.implement(s.open, async ({ user, body, req }) => {
    await search.opened(user.id, req.ip, body.kind, body.id);
    return { ok: true as const };
  });
  router.implement(s.trending, async ({ query }) => ({ items: await search.trending(query.limit) }));
  router.implement(s.hashtag, async ({ params }) => search.hashtag(params.tag));
  router.implement(s.hashtagVideos, async ({ user, params, query, req }) =>
    search.hashtagVideos(user?.id ?? null, req.ip, params.tag, query.sort, query.cursor, query.limit),
  );
}
