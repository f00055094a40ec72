import { isUuid, type ChannelPolicy } from '../../platform/realtime/channels.ts';
import type { RoomsService } from './service.ts';

/**
 * `room:<id>`: everyone who entered the room (and is not banned) listens. State changes and
 * chat are stored with a sequence; viewer counts and heart totals are ephemeral. The only
 * thing a client publishes here is `chat` (rate limited, stamped with the sender's fan level);
 * stage actions and signalling are HTTP calls, checked by the service.
 */
export function roomChannelPolicy(rooms: RoomsService): ChannelPolicy {
  return {
    kind: 'room',
    durable: true,
    ephemeralKinds: new Set(['room_viewers', 'room_hearts', 'typing']),
    canSubscribe: async (user, id) => isUuid(id) && rooms.canSubscribe(user.id, id),
    canPublish: async (user, id, body) => isUuid(id) && rooms.checkPublish(user.id, id, body),
    prepare: (user, id, body) => rooms.prepare(user.id, id, body),
    afterPublish: (_user, id, frame) => rooms.afterPublish(id, frame),
    left: (user, id) => rooms.left(user.id, id),
  };
}
