import { z } from 'zod';
import {
  AnnouncementEvent,
  ChatEvent,
  ChatPublish,
  CouponDropEvent,
  ImageEvent,
  ImagePublish,
  MemberEvent,
  MessageDeletedEvent,
  ShareEvent,
  SharePublish,
} from './messaging.ts';
import { ErrorCode } from './errors.ts';
import { Id, text } from './common.ts';
import { Badges, Notification } from './notifications.ts';
import { OrderUpdate, StockEvent } from './shop.ts';
import { WatchControlPublish, WatchPartyEvent, WatchPresencePublish, WatchStateEvent } from './watch.ts';
import {
  MatchChatPublish,
  MatchDeclinePublish,
  MatchEndedEvent,
  MatchFoundEvent,
  MatchQueuePublish,
  MatchRingEndedEvent,
  MatchStatusEvent,
  RtcSignalPublish,
  ShakeMissEvent,
  ShakePublish,
} from './match.ts';
import { RoomHandsEvent, RoomHeartsEvent, RoomPinnedEvent, RoomStageEvent, RoomStatusEvent, RoomViewersEvent } from './rooms.ts';

/**
 * The realtime protocol spoken over the single WebSocket at `/ws?v=<PROTOCOL_VERSION>`.
 * Frames are discriminated unions on `t`. A client whose version the server does not
 * speak gets `err{code:'unsupported_version'}` and close code 4000, so it can tell the
 * person to reload rather than retry forever.
 */
export const PROTOCOL_VERSION = 1;
export const MAX_FRAME_BYTES = 16 * 1024;

export const CLOSE_CODES = {
  unsupportedVersion: 4000,
  unauthenticated: 4001,
  slowConsumer: 4008,
  shuttingDown: 4009,
  heartbeatTimeout: 4010,
  /** The session opened more sockets than allowed and this, its oldest, was closed: do not reconnect on your own. */
  tooManySockets: 4011,
} as const;

/** `kind:id` where kind names the owning module. */
export const ChannelKind = z.enum(['user', 'creator', 'group', 'dm', 'room', 'watch', 'match', 'product']);
export type ChannelKind = z.infer<typeof ChannelKind>;
export const ChannelName = text()
  .max(120)
  .regex(/^(user|creator|group|dm|room|watch|match|product):[0-9a-z-]+(:[0-9a-z-]+)?$/, 'not a channel name');

export function parseChannel(name: string): { kind: ChannelKind; id: string } | null {
  const i = name.indexOf(':');
  if (i < 0) return null;
  const kind = ChannelKind.safeParse(name.slice(0, i));
  if (!kind.success) return null;
  return { kind: kind.data, id: name.slice(i + 1) };
}

/** Bodies a client may publish. Each channel kind's policy says which members it accepts. */
export const PublishBody = z.discriminatedUnion('kind', [
  /** A creator's broadcast to everyone on `creator:<id>` (durable). */
  z.strictObject({ kind: z.literal('broadcast'), text: text().min(1).max(2000), sentAt: z.number().optional() }),
  /** An ephemeral reaction (hearts): coalesced, never stored. */
  z.strictObject({ kind: z.literal('reaction'), emoji: text().min(1).max(8) }),
  /** Typing indicator in a chat: ephemeral. */
  z.strictObject({ kind: z.literal('typing') }),
  ChatPublish,
  SharePublish,
  ImagePublish,
  /** Watch together: a playback change (the server schedules it) and presence (ephemeral). */
  WatchControlPublish,
  WatchPresencePublish,
  /** 连线 and shake: queue actions and shakes on `match:<me>`; signalling and chat on `match:<peer>` during a call. */
  MatchQueuePublish,
  ShakePublish,
  RtcSignalPublish,
  MatchChatPublish,
  MatchDeclinePublish,
]);
export type PublishBody = z.infer<typeof PublishBody>;

/** Everything an `ev` frame can carry: what clients publish plus server-originated events. */
export const ChannelEvent = z.discriminatedUnion('kind', [
  PublishBody.options[0],
  PublishBody.options[1],
  PublishBody.options[2],
  ChatEvent,
  ShareEvent,
  ImageEvent,
  CouponDropEvent,
  MessageDeletedEvent,
  AnnouncementEvent,
  MemberEvent,
  /** `unread` is the inbox's unread count right after this notification was stored. */
  z.object({ kind: z.literal('notification'), notification: Notification, unread: z.number().int().optional() }),
  z.object({ kind: z.literal('presence'), online: z.number().int() }),
  /** My Messages tab counts changed (on `user:<id>`, ephemeral): every tab and device sets its badge from it. */
  Badges.extend({ kind: z.literal('badges') }),
  /** The other person read up to `seq` (on `dm:<a>:<b>`, ephemeral, `from` = the reader): "seen". */
  z.object({ kind: z.literal('dm_read'), seq: z.number().int() }),
  /** An order of mine changed (as buyer or seller), on `user:<id>`. */
  z.object({ kind: z.literal('order'), order: OrderUpdate }),
  /** Live stock of a product and its flash sale, on `product:<id>`. */
  StockEvent,
  /** Tells an uploader their video finished processing, on `user:<id>`. */
  z.object({ kind: z.literal('video_status'), videoId: Id, status: z.enum(['ready', 'failed']), error: text().nullable() }),
  /** Watch together, on `watch:<id>`: the scheduled playback state, the party's members and roles, presence. */
  WatchStateEvent,
  WatchPartyEvent,
  WatchPresencePublish,
  /** Never fanned out (the policy turns it into `watch_state`); listed so every publishable body is an event. */
  WatchControlPublish,
  /** 连线 / shake on `match:<id>`: queue state, a found peer, an ended call; relayed signalling and chat. */
  MatchStatusEvent,
  MatchFoundEvent,
  MatchEndedEvent,
  ShakeMissEvent,
  MatchRingEndedEvent,
  RtcSignalPublish,
  MatchChatPublish,
  /** Never fanned out (the policy turns them into `match_status` / `match_ring_ended`); listed so every publishable body is an event. */
  MatchQueuePublish,
  ShakePublish,
  MatchDeclinePublish,
  /** Friends chat room, on `room:<id>`: versioned state changes, and ephemeral viewer and heart totals. */
  RoomStageEvent,
  RoomHandsEvent,
  RoomPinnedEvent,
  RoomStatusEvent,
  RoomViewersEvent,
  RoomHeartsEvent,
]);
export type ChannelEvent = z.infer<typeof ChannelEvent>;

export const ClientFrame = z.discriminatedUnion('t', [
  z.strictObject({
    t: z.literal('sub'),
    ch: ChannelName,
    /** Last sequence the client has seen; the server replays everything after it. */
    since: z.number().int().min(0).optional(),
  }),
  z.strictObject({ t: z.literal('unsub'), ch: ChannelName }),
  z.strictObject({
    t: z.literal('pub'),
    ch: ChannelName,
    /** Client message id: a retry with the same id is stored once. */
    cid: text().min(1).max(64),
    body: PublishBody,
  }),
  z.strictObject({ t: z.literal('ping'), ts: z.number() }),
  /**
   * The app on this socket is (or stopped being) open and focused: nothing is pushed to that device
   * meanwhile. `device` is the id the server gave this browser's push subscription (null: none).
   */
  z.strictObject({ t: z.literal('focus'), focused: z.boolean(), device: Id.nullable() }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const EventFrame = z.object({
  t: z.literal('ev'),
  ch: text(),
  /** Present on durable channels: contiguous per channel, starting at 1. */
  seq: z.number().int().optional(),
  from: Id.nullable(),
  at: z.number(),
  body: ChannelEvent,
});
export type EventFrame = z.infer<typeof EventFrame>;

/**
 * A page of a durable channel's history (group, DM, room chat) and the channel's head sequence.
 * An event of a kind this bundle does not know (a newer server, an old tab) is dropped rather than
 * failing the whole page, as the live stream does; the documented shape stays the strict one.
 */
export const ChannelHistory = z.object({
  items: z.preprocess(
    (items) => (Array.isArray(items) ? items.filter((ev) => EventFrame.safeParse(ev).success) : items),
    z.array(EventFrame),
  ),
  head: z.number().int(),
});
export type ChannelHistory = z.infer<typeof ChannelHistory>;

export const ServerFrame = z.discriminatedUnion('t', [
  z.object({ t: z.literal('hello'), v: z.number().int(), userId: Id, serverTime: z.number(), heartbeatMs: z.number() }),
  z.object({ t: z.literal('subbed'), ch: text(), head: z.number().int() }),
  z.object({ t: z.literal('unsubbed'), ch: text() }),
  z.object({ t: z.literal('ack'), ch: text(), cid: text(), seq: z.number().int().optional() }),
  EventFrame,
  /** Several events coalesced into one WebSocket message. */
  z.object({ t: z.literal('batch'), events: z.array(EventFrame) }),
  z.object({ t: z.literal('err'), code: ErrorCode, message: text(), ref: text().optional() }),
  z.object({ t: z.literal('pong'), ts: z.number(), serverTime: z.number() }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
