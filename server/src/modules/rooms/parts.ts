import type { RoomBroadcast } from './broadcast.ts';
import type { RoomChat } from './chat.ts';
import type { RoomLifecycle } from './lifecycle.ts';
import type { LiveCounts } from './live-counts.ts';
import type { RoomMedia } from './media.ts';
import type { RoomMembership } from './membership.ts';
import type { RoomPin } from './pinned.ts';
import type { RoomReservations } from './reservations.ts';
import type { RoomMomentsView } from './moments.ts';
import type { RoomStage } from './stage.ts';
import type { RoomViews } from './views.ts';

/**
 * Friends chat rooms, one part per concern. The truth is the `rooms` row and its members in
 * Postgres; every change runs under the room's row lock (`changes.ts`), bumps its version once
 * per event and publishes those events on `room:<id>` (durable), so any node can serve any
 * request. What a node keeps in memory is only its own: sockets it hosts (`live-counts.ts`) and
 * the SFU rooms it opened (`media.ts`); hearts not yet added wait in Redis with several nodes.
 */
export interface Rooms {
  views: RoomViews;
  lifecycle: RoomLifecycle;
  membership: RoomMembership;
  stage: RoomStage;
  pin: RoomPin;
  /** 预约 of scheduled rooms, and telling the reservers when one starts. */
  reservations: RoomReservations;
  /** 讲解: products pinned while live, per room and per product. */
  moments: RoomMomentsView;
  media: RoomMedia;
  chat: RoomChat;
  /** Viewers and hearts: its timer starts with the app and stops with it. */
  counts: LiveCounts;
  /** The audience's picture: the compositor job and the HLS it writes. */
  broadcast: RoomBroadcast;
}
