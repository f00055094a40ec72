import type { Gateway } from './gateway.ts';

/** What modules use to push events: they never touch sockets. */
export type Realtime = Pick<Gateway, 'publish' | 'onFocus' | 'onConnect' | 'disconnectUser' | 'setPublishGate'>;
