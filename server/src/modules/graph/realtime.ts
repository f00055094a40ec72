import { isUuid, type ChannelPolicy } from '../../platform/realtime/channels.ts';
import type { GraphService } from './service.ts';

/**
 * `creator:<id>`: a creator's broadcast to fans. Anyone the creator has not blocked may listen;
 * only the creator broadcasts (stored, replayable); listeners may send reactions (ephemeral).
 */
export function creatorChannelPolicy(graph: GraphService): ChannelPolicy {
  return {
    kind: 'creator',
    durable: true,
    ephemeralKinds: new Set(['reaction']),
    canSubscribe: async (user, id) => isUuid(id) && (user.id === id || !(await graph.isBlockedEitherWay(user.id, id))),
    canPublish: async (user, id, body) => {
      if (!isUuid(id)) return false;
      if (body.kind === 'broadcast') return user.id === id;
      return user.id === id || !(await graph.isBlockedEitherWay(user.id, id));
    },
  };
}
