import type { ChannelPolicy } from '../../platform/realtime/channels.ts';

/** `user:<id>`: a person's own inbox stream. Only they may read it; only the server writes to it. */
export const userChannelPolicy: ChannelPolicy = {
  kind: 'user',
  durable: true,
  // Counts are state, not history: a reconnecting client reads them again instead of replaying them.
  ephemeralKinds: new Set(['badges']),
  canSubscribe: async (user, id) => user.id === id,
  canPublish: async () => false,
};
