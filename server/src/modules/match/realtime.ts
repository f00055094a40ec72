import { isUuid, type ChannelPolicy } from '../../platform/realtime/channels.ts';
import type { MatchService } from './service.ts';

/**
 * `match:<id>`: only its owner subscribes. The owner publishes queue actions and shakes there
 * (answered with `match_status`); during a call, each side publishes signalling and chat on
 * the other's channel, accepted only between the two people of that live call. Nothing is stored.
 */
export function matchChannelPolicy(match: MatchService): ChannelPolicy {
  return {
    kind: 'match',
    durable: false,
    canSubscribe: async (user, id) => isUuid(id) && match.canSubscribe(user.id, id),
    canPublish: async (user, id, body) => isUuid(id) && match.checkPublish(user.id, id, body),
    prepare: (user, id, body) => match.prepare(user.id, id, body),
    left: (user, id) => match.left(user.id, id),
  };
}
