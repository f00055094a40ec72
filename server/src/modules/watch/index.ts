import type { Platform } from '../../platform/module.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { GraphService } from '../graph/service.ts';
import type { VideosService } from '../videos/service.ts';
import { watchChannelPolicy } from './realtime.ts';
import { registerWatchRoutes } from './routes.ts';
import { WatchService } from './service.ts';

export function register(p: Platform, deps: { accounts: AccountsService; graph: GraphService; videos: VideosService }): WatchService {
  const watch = new WatchService({
    db: p.db,
    realtime: p.realtime,
    chatLimit: p.rateLimit('watch-msg', p.config.chatMessagesPer10s, 10),
    limits: p.limits,
    nodeId: p.cluster.nodeId,
    ...deps,
  });
  p.cluster.onNodeDead('watch: buffering waits', (nodeId) => watch.sweepNode(nodeId));
  p.channels.register(watchChannelPolicy(watch));
  registerWatchRoutes(p.router, watch);
  return watch;
}
