import type { Calls } from './calls.ts';
import type { MatchModeration } from './moderation.ts';
import type { MatchOptions } from './options.ts';
import type { MatchProfile } from './profile.ts';
import type { MatchQueue } from './queue.ts';

/**
 * 连线 and shake, one part per concern. The queue, the shake window and the live calls are in
 * this process's memory, or in Redis shared by every node when REDIS_URL is set; opt-ins,
 * reports, bans and cool-downs are in Postgres; events reach people on any node over the gateway
 * and the bus.
 */
export interface Match {
  profile: MatchProfile;
  /** The queue and the shake window; its 100 ms pass runs until `close`. */
  queue: MatchQueue;
  calls: Calls;
  moderation: MatchModeration;
  options: MatchOptions;
}
