import type { Platform } from '../../platform/module.ts';
import type { GraphService } from '../graph/service.ts';
import type { VideosService } from '../videos/service.ts';
import { registerFeedRoutes } from './routes.ts';
import { RedisServedHistory } from './served.ts';
import { FeedsService } from './service.ts';

export function register(p: Platform, deps: { videos: VideosService; graph: GraphService }): FeedsService {
  const served = p.redis ? new RedisServedHistory(p.redis, p.config.redisPrefix) : undefined;
  const feeds = new FeedsService({ ...deps, bus: p.bus, served, metrics: p.metrics });
  registerFeedRoutes(p.router, feeds);
  // The app connects its socket as it opens: its For You first page is ranked while it loads.
  p.realtime.onConnect((userId) => feeds.warm(userId));
  return feeds;
}
