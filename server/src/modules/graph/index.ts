import type { Platform } from '../../platform/module.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { NotificationsService } from '../notifications/service.ts';
import { creatorChannelPolicy } from './realtime.ts';
import { registerGraphRoutes } from './routes.ts';
import { GraphService } from './service.ts';

export function register(p: Platform, deps: { accounts: AccountsService; notifications: NotificationsService }): GraphService {
  const graph = new GraphService({ db: p.db, limits: p.limits, ...deps });
  p.channels.register(creatorChannelPolicy(graph));
  registerGraphRoutes(p.router, graph);
  deps.accounts.rights.addPart(graph.accountPart());
  deps.accounts.rights.useFollows((follower, followee) => graph.isFollowing(follower, followee));
  return graph;
}
