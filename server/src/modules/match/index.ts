import type { Platform } from '../../platform/module.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { GraphService } from '../graph/service.ts';
import type { ModerationService } from '../moderation/service.ts';
import { MemoryCallStore, RedisCallStore } from './call-store.ts';
import { Calls } from './calls.ts';
import type { MatchDeps } from './context.ts';
import { Eligibilities } from './eligibility.ts';
import { MatchModeration } from './moderation.ts';
import { Moderators } from './moderators.ts';
import { matchOptions } from './options.ts';
import type { Match } from './parts.ts';
import { MatchProfile } from './profile.ts';
import { MatchQueue } from './queue.ts';
import { matchChannelPolicy } from './realtime.ts';
import { MatchRepo } from './repo.ts';
import { registerMatchRoutes } from './routes.ts';
import { MemorySkipCounts, RedisSkipCounts } from './skips.ts';
import { MemoryMatchStore } from './store.ts';
import { RedisMatchStore } from './store-redis.ts';

export function register(p: Platform, deps: { accounts: AccountsService; graph: GraphService; moderation: ModerationService }): Match {
  const base: MatchDeps = {
    accounts: deps.accounts,
    graph: deps.graph,
    repo: new MatchRepo(p.db),
    realtime: p.realtime,
    bus: p.bus,
    limits: p.limits,
    options: matchOptions(p.config.match, p.config.iceServers),
  };
  const eligibility = new Eligibilities(base);
  const moderators = new Moderators(deps);
  const { options } = base;
  const nodeId = p.cluster.nodeId;
  // With Redis every node shares one queue, shake window and set of calls; else this process holds them.
  const store = p.redis
    ? new RedisMatchStore(p.redis, { ...options, prefix: p.config.redisPrefix, nodeId, exclusionMs: options.cacheMs })
    : new MemoryMatchStore(options);
  const callStore = p.redis ? new RedisCallStore(p.redis, p.config.redisPrefix) : new MemoryCallStore();
  const calls = new Calls({ ...base, eligibility, store: callStore });
  const skips = p.redis ? new RedisSkipCounts(p.redis, p.config.redisPrefix) : new MemorySkipCounts();
  const queue = new MatchQueue({ ...base, eligibility, calls, store, skips, nodeId });
  // A dead node's queued people and shakes go, and their calls end ("disconnected").
  p.cluster.onNodeDead('match: queue and calls', (dead) => queue.sweepNode(dead));
  const match: Match = {
    profile: new MatchProfile({ ...base, eligibility, moderators }),
    queue,
    calls,
    moderation: new MatchModeration({ ...base, eligibility, moderators, queue, calls, reports: deps.moderation }),
    options: base.options,
  };
  p.channels.register(matchChannelPolicy(match));
  registerMatchRoutes(p.router, match);
  return match;
}
