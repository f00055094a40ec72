import type { Platform } from '../../platform/module.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { FeedsService } from '../feeds/service.ts';
import type { GraphService } from '../graph/service.ts';
import type { Rooms } from '../rooms/parts.ts';
import type { ShopService } from '../shop/service.ts';
import type { VideosService } from '../videos/service.ts';
import { registerSearchRoutes } from './routes.ts';
import { SearchService } from './service.ts';

/** Live rooms scanned per search: there are few live at once, and this bounds the work. */
const LIVE_SCAN = 50;

export function register(
  p: Platform,
  deps: { accounts: AccountsService; graph: GraphService; videos: VideosService; feeds: FeedsService; shop: ShopService; rooms: Rooms },
): SearchService {
  const { rooms, ...services } = deps;
  const search = new SearchService({
    ...services,
    db: p.db,
    liveRooms: async (viewerId) => (await rooms.views.list(viewerId, 'live', undefined, LIVE_SCAN)).items,
    // Sized for a person: typing sends a suggestion request per pause, a search per submit or tab.
    limits: {
      suggest: p.rateLimit('search-suggest', 300, 60),
      search: p.rateLimit('search', 120, 60),
      opens: p.rateLimit('search-opens', 120, 60),
    },
  });
  registerSearchRoutes(p.router, search);
  return search;
}
