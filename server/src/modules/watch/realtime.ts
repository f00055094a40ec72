import { isUuid, type ChannelPolicy } from '../../platform/realtime/channels.ts';
import type { WatchService } from './service.ts';

/**
 * `watch:<id>`: members who joined subscribe. Controls are checked against the party's
 * control mode and turned into a scheduled `watch_state` (stored, so a reconnect replays it);
 * chat is stored too; presence, buffering, reactions and typing are ephemeral.
 */
export function watchChannelPolicy(watch: WatchService): ChannelPolicy {
  return {
    kind: 'watch',
    durable: true,
    ephemeralKinds: new Set(['watch_presence', 'reaction', 'typing']),
    canSubscribe: async (user, id) => isUuid(id) && watch.canSubscribe(user.id, id),
    canPublish: async (user, id, body) => isUuid(id) && watch.checkPublish(user.id, id, body),
    prepare: (user, id, body) => watch.prepare(user.id, id, body),
  };
}
