import { forbidden } from '../../platform/errors.ts';
import { isUuid, type ChannelPolicy } from '../../platform/realtime/channels.ts';
import type { Match } from './parts.ts';

/**
 * `match:<id>`: only its owner subscribes. The owner publishes queue actions and shakes there
 * (answered with `match_status`); during a call, each side publishes signalling and chat on
 * the other's channel, accepted only between the two people of that live call. Nothing is stored.
 */
export function matchChannelPolicy({ queue, calls }: Pick<Match, 'queue' | 'calls'>): ChannelPolicy {
  return {
    kind: 'match',
    durable: false,
    canSubscribe: async (user, id) => {
      const own = isUuid(id) && user.id === id;
      // The lobby is open: the person's eligibility loads now rather than when they press start.
      if (own) queue.opened(user.id);
      return own;
    },
    canPublish: async (user, id, body) =>
      isUuid(id) && (id === user.id ? body.kind === 'match_queue' || body.kind === 'shake' : calls.mayRelay(user.id, id, body)),
    prepare: async (user, id, body) => {
      if (body.kind === 'rtc_signal') return calls.signal(user.id, body);
      if (body.kind === 'match_decline') return calls.decline(user.id, body.callId);
      if (body.kind === 'match_chat') return body;
      if (id !== user.id) throw forbidden();
      if (body.kind === 'match_queue') return queue.queue(user.id, body);
      if (body.kind === 'shake') return queue.shake(user.id, body);
      throw forbidden();
    },
    left: (user, id) => void queue.left(user.id, id),
  };
}
