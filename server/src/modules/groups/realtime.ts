import { isUuid, type ChannelPolicy } from '../../platform/realtime/channels.ts';
import type { GroupsService } from './service.ts';

/** `group:<id>`: members read and write; moderation, mutes and rate limits are checked on every frame. */
export function groupChannelPolicy(groups: GroupsService): ChannelPolicy {
  return {
    kind: 'group',
    durable: true,
    ephemeralKinds: new Set(['typing']),
    canSubscribe: async (user, id) => isUuid(id) && groups.canSubscribe(user.id, id),
    canPublish: async (user, id, body) => isUuid(id) && groups.checkPublish(user.id, id, body),
    prepare: (user, id, body) => groups.prepare(user.id, id, body),
    afterPublish: (user, id, frame) => groups.afterPublish(user.id, id, frame),
  };
}
