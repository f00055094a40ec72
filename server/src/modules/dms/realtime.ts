import type { ChannelPolicy } from '../../platform/realtime/channels.ts';
import type { DmsService } from './service.ts';

/** `dm:<a>:<b>` (ids sorted): only the two people; requests, blocks and limits checked per frame. */
export function dmChannelPolicy(dms: DmsService): ChannelPolicy {
  return {
    kind: 'dm',
    durable: true,
    ephemeralKinds: new Set(['typing', 'dm_read']),
    canSubscribe: (user, id) => dms.canSubscribe(user.id, id),
    canPublish: (user, id, body) => dms.checkPublish(user.id, id, body),
    afterPublish: (user, id, frame) => dms.afterPublish(user.id, id, frame),
  };
}
