import type { Platform } from '../../platform/module.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { GraphService } from '../graph/service.ts';
import { matchChannelPolicy } from './realtime.ts';
import { registerMatchRoutes } from './routes.ts';
import { MatchService, matchOptions } from './service.ts';

export function register(p: Platform, deps: { accounts: AccountsService; graph: GraphService }): MatchService {
  const match = new MatchService({
    db: p.db,
    realtime: p.realtime,
    bus: p.bus,
    limits: p.limits,
    options: matchOptions(p.config.match, p.config.iceServers),
    ...deps,
  });
  p.channels.register(matchChannelPolicy(match));
  registerMatchRoutes(p.router, match);
  return match;
}
