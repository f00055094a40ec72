import { isUuid, type ChannelPolicy } from '../../platform/realtime/channels.ts';
import type { Rooms } from './parts.ts';

/**
 * `room:<id>`: everyone who entered the room (and is not banned) listens. State changes and
 * chat are stored with a sequence; viewer counts and heart totals are ephemeral. The only
 * thing a client publishes here is `chat` (rate limited, stamped with the sender's fan level);
 * stage actions and signalling are HTTP calls. Listening counts the person present (`live-counts.ts`).
 */
export function roomChannelPolicy({ counts, chat }: Pick<Rooms, 'counts' | 'chat'>): ChannelPolicy {
  return {
    kind: 'room',
    durable: true,
    ephemeralKinds: new Set(['room_viewers', 'room_hearts', 'typing']),
    canSubscribe: async (user, id) => isUuid(id) && counts.canSubscribe(user.id, id),
    canPublish: async (user, id, body) => isUuid(id) && chat.checkPublish(user.id, id, body),
    prepare: (user, id, body) => chat.prepare(user.id, id, body),
    afterPublish: (_user, id, frame) => chat.afterPublish(id, frame),
    left: (user, id) => counts.left(user.id, id),
  };
}
