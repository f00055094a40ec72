import { z } from 'zod';
import { Id, text } from './common.ts';
import { UserSummary } from './accounts.ts';
import { Money, ProductCard } from './shop.ts';
import { IceServer } from './match.ts';

/**
 * Friends chat room (朋友聊天室): a host plus up to 8 guests on stage, talking on video, and an
 * audience that watches, chats, sends hearts and raises a hand to be brought on stage.
 *
 * State. The room's state (stage, hands, pinned product, status) lives on the server and has a
 * `version` that grows by one with every change. `GET /api/v1/rooms/:id` returns a snapshot;
 * each change is then pushed on the durable channel `room:<id>` as one versioned event
 * (`room_stage`, `room_hands`, `room_pinned`, `room_status`). A client:
 *   1. subscribes to `room:<id>` (after `POST /join`), buffering events,
 *   2. fetches the snapshot (`GET /api/v1/rooms/:id/state` or the room),
 *   3. applies buffered and live events whose version is exactly its version + 1, ignores older
 *      ones, and refetches the snapshot when it sees a gap (version > its version + 1).
 * Viewer counts (`room_viewers`) and heart totals (`room_hearts`) are ephemeral, unversioned
 * and coalesced (at most about one per second). Chat is the shared `chat` body, stored with a
 * sequence on the same channel; the server adds the sender's fan level with the host.
 * Removal from the room is announced with the shared `member` event (`removed` = kicked,
 * `banned`); the gateway then stops that person's sockets listening to the channel.
 *
 * Signalling goes over HTTP (request → response), non-trickle: each SDP carries its ICE
 * candidates, so a browser waits for ICE gathering to complete before sending it.
 *   publish:   POST /rooms/:id/publish {offerSdp}      → {answerSdp}    (host and guests only)
 *   subscribe: POST /rooms/:id/subscribe {publisherIds} → {offerSdp, streams}; then
 *              POST /rooms/:id/subscribe/answer {answerSdp}. Subscribe again (a new offer on the
 *              same connection) whenever the set of publishing stage members changes.
 *              Nobody to receive (no publisher on stage but me, or a named one not sending):
 *              409 `media_not_live`, and my receive connection is closed; subscribe again
 *              when a `room_stage` event shows someone publishing.
 *   layer:     POST /rooms/:id/layer {publisherId, layer}
 * Every refusal of the SFU is a 4xx with a code: `validation_failed` (an SDP it cannot use),
 * `media_not_live`, `invalid_state` (e.g. an answer with no offer waiting), `media_unavailable`
 * (the media server cannot be reached now; try again) or `media_failed` (anything else).
 *   stop:      POST /rooms/:id/unpublish, POST /rooms/:id/unsubscribe
 */

export const MAX_STAGE = 9;
export const MAX_GUESTS = MAX_STAGE - 1;
/** Hands shown in the state; `handsTotal` counts them all. */
export const MAX_HANDS_SHOWN = 50;
export const MAX_HEARTS_PER_POST = 100;
export const MAX_SDP_CHARS = 30_000;

export const RoomAudience = z.enum(['public', 'followers', 'friends', 'group']);
export type RoomAudience = z.infer<typeof RoomAudience>;
export const RoomStatus = z.enum(['scheduled', 'live', 'ended']);
export type RoomStatus = z.infer<typeof RoomStatus>;
/** `audience` covers everyone in the room who is not on stage. */
export const RoomRole = z.enum(['host', 'cohost', 'guest', 'audience']);
export type RoomRole = z.infer<typeof RoomRole>;
export const StageRole = z.enum(['host', 'cohost', 'guest']);
export type StageRole = z.infer<typeof StageRole>;
export const VideoLayer = z.enum(['high', 'low']);
export type VideoLayer = z.infer<typeof VideoLayer>;

/** One tile on stage. */
export const StageMember = z.object({
  user: UserSummary,
  role: StageRole,
  /** Has a live publish connection (the SFU carries their feed): subscribe to it. */
  publishing: z.boolean(),
  /** The person's own switches, for the tile icons (their browser stops the track). */
  mic: z.boolean(),
  camera: z.boolean(),
  /** Turned off by the host on the server: nothing of that kind reaches anyone, whatever `mic`/`camera` say. */
  micBlocked: z.boolean(),
  cameraBlocked: z.boolean(),
  joinedAt: text(),
  /** Their fan level with the current host (fans module), so a tile shows the badge before they chat. */
  fanLevel: z.number().int().min(1),
});
export type StageMember = z.infer<typeof StageMember>;

export const HandRaise = z.object({
  user: UserSummary,
  at: text(),
  /** Fan level with the host, so the host sees who is asking. */
  fanLevel: z.number().int().min(1),
});
export type HandRaise = z.infer<typeof HandRaise>;

export const RoomState = z.object({
  version: z.number().int().min(0),
  status: RoomStatus,
  /** Host first, then co-host, then guests by when they came on stage. At most `MAX_STAGE`. */
  stage: z.array(StageMember).max(MAX_STAGE),
  /** People the host invited on stage who have not answered yet. */
  invites: z.array(UserSummary),
  /** Oldest first, at most `MAX_HANDS_SHOWN`. */
  hands: z.array(HandRaise),
  handsTotal: z.number().int(),
  pinned: ProductCard.nullable(),
  viewers: z.number().int(),
  peakViewers: z.number().int(),
  hearts: z.number().int(),
  startedAt: text().nullable(),
  endedAt: text().nullable(),
  /**
   * Grows when the room's media had to start over on another server (the one carrying it
   * stopped): every connection to the SFU is gone, so whoever publishes publishes again and
   * everyone subscribes again.
   */
  mediaEpoch: z.number().int().min(0),
});
export type RoomState = z.infer<typeof RoomState>;

/** What the viewer may do, computed for them. */
export const RoomMe = z.object({
  role: RoomRole,
  /** In the room now (joined and not left). */
  joined: z.boolean(),
  handRaised: z.boolean(),
  /** The host invited me on stage and I have not answered. */
  invited: z.boolean(),
  /** Host or a guest: may send media. */
  canPublish: z.boolean(),
  /** Host only: stage moderation, pinning, ending. */
  canModerate: z.boolean(),
});
export type RoomMe = z.infer<typeof RoomMe>;

/** The recording of an ended room's broadcast, to watch again (回放). */
export const RoomReplay = z.object({ durationSec: z.number().min(0) });
export type RoomReplay = z.infer<typeof RoomReplay>;

export const RoomInfo = z.object({
  id: Id,
  title: text(),
  coverUrl: text().nullable(),
  host: UserSummary,
  audience: RoomAudience,
  /** For audience `group`: the fan group whose members may enter. */
  groupId: Id.nullable(),
  status: RoomStatus,
  scheduledAt: text().nullable(),
  createdAt: text(),
  channel: text(),
  /** Share link (path): `/r/<id>`. */
  link: text(),
  /**
   * An ended room whose broadcast was recorded: play `hlsReplay`. Null while live, and for a room
   * without a recording. Only people who may enter the room see the room at all.
   */
  replay: RoomReplay.nullable(),
});
export type RoomInfo = z.infer<typeof RoomInfo>;

/**
 * What a room link shows before entering, also to a visitor who is not logged in: the title,
 * cover, host and whether it is live. Only rooms the viewer may enter (for a visitor: public ones).
 */
export const RoomPreview = z.object({
  id: Id,
  title: text(),
  coverUrl: text().nullable(),
  host: UserSummary,
  status: RoomStatus,
  scheduledAt: text().nullable(),
  viewers: z.number().int().min(0),
  link: text(),
});
export type RoomPreview = z.infer<typeof RoomPreview>;

export const Room = RoomInfo.extend({
  state: RoomState,
  me: RoomMe,
  /**
   * Which SFU serves the room and the ICE servers a browser should use with it. `broadcast`: the
   * audience watches the composed broadcast (HLS, `hlsLive`) and only the stage receives over
   * WebRTC; a person moving on or off the stage switches between the two without reloading.
   */
  media: z.object({ adapter: z.enum(['werift', 'janus']), iceServers: z.array(IceServer), broadcast: z.boolean() }),
  serverTime: z.number(),
});
export type Room = z.infer<typeof Room>;

export const RoomList = z.object({
  items: z.array(
    RoomInfo.extend({ viewers: z.number().int(), /** People who reserved it (scheduled rooms). */ reservations: z.number().int() }),
  ),
  nextCursor: text().nullable(),
});
export type RoomList = z.infer<typeof RoomList>;

/**
 * 预约: people who asked to be told when a scheduled room starts, and whether I am one of them.
 * Anyone who may enter the room may reserve; everyone who did is notified when the host starts it.
 */
export const RoomReservation = z.object({ count: z.number().int().min(0), mine: z.boolean() });
export type RoomReservation = z.infer<typeof RoomReservation>;

/**
 * 讲解: one pin of a product while the room was live, `offsetMs` after it went live.
 * `replayOffsetMs`: where it is in the room's replay (seek there), null without a replay.
 */
export const RoomMoment = z.object({
  roomId: Id,
  productId: Id,
  offsetMs: z.number().int().min(0),
  replayOffsetMs: z.number().int().min(0).nullable(),
  at: text(),
});
export type RoomMoment = z.infer<typeof RoomMoment>;
/** A room's moments in order, each with the product's card (null once it is no longer on sale). */
export const RoomMoments = z.object({ items: z.array(RoomMoment.extend({ product: ProductCard.nullable() })) });
export type RoomMoments = z.infer<typeof RoomMoments>;
/** Where a product was shown in lives that have ended (newest first), in rooms the viewer may enter. */
export const ProductMoments = z.object({ items: z.array(RoomMoment.extend({ roomTitle: text(), host: UserSummary })) });
export type ProductMoments = z.infer<typeof ProductMoments>;
export const ProductMomentsQuery = z.strictObject({ productId: Id });

// ---------------------------------------------------------------- HTTP bodies

export const CreateRoomBody = z
  .strictObject({
    title: text().trim().min(1).max(60),
    audience: RoomAudience.default('public'),
    /** Required with audience `group`: a fan group the host owns. */
    groupId: Id.optional(),
    /**
     * The cover is the poster of one of the host's videos; absent: the host's avatar is shown.
     * An uploaded image replaces it afterwards: `PUT /rooms/:id/cover` (multipart field "file").
     */
    coverVideoId: Id.optional(),
    /** Absent: live now. Else a time within 30 days; the host starts it with `POST /start`. */
    scheduledAt: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((b) => (b.audience === 'group') === (b.groupId !== undefined), {
    message: 'groupId goes with audience "group" (and only with it)',
    path: ['groupId'],
  });
export type CreateRoomBody = z.infer<typeof CreateRoomBody>;

export const RoomParams = z.strictObject({ id: Id });
/** A file of a room's broadcast: a segment the playlists name. */
export const RoomHlsParams = z.strictObject({ id: Id, segment: text().max(40) });
export const RoomUserParams = z.strictObject({ id: Id, userId: Id });
export const RoomListQuery = z.strictObject({
  /** `live`: rooms live now that I may enter; `mine`: rooms I host (any status). */
  filter: z.enum(['live', 'mine']).default('live'),
  cursor: Id.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

/** Raise or lower my hand (audience only). */
export const HandBody = z.strictObject({ raised: z.boolean() });
/** The host answers a raised hand. */
export const HandAnswerBody = z.strictObject({ accept: z.boolean() });
/** The host invites a friend on stage (mutual follow). */
export const InviteBody = z.strictObject({ userId: Id });
/** The invitee answers. */
export const InviteAnswerBody = z.strictObject({ accept: z.boolean() });
/** My own mic/camera switches (reflected on my tile). */
export const MediaStateBody = z.strictObject({ mic: z.boolean().optional(), camera: z.boolean().optional() });

/** What the host does to someone on stage (or, for kick/ban, anyone in the room). */
export const GuestActionBody = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('mute_mic') }),
  z.strictObject({ action: z.literal('unmute_mic') }),
  z.strictObject({ action: z.literal('camera_off') }),
  z.strictObject({ action: z.literal('camera_on') }),
  /** Back to the audience: their media stops at once. */
  z.strictObject({ action: z.literal('to_audience') }),
  /** Out of the room; they may come back. */
  z.strictObject({ action: z.literal('kick') }),
  /** Out of the room for good. */
  z.strictObject({ action: z.literal('ban') }),
  z.strictObject({ action: z.literal('unban') }),
  /** A guest becomes (or stops being) the co-host; there is at most one. */
  z.strictObject({ action: z.literal('make_cohost') }),
  z.strictObject({ action: z.literal('remove_cohost') }),
]);
export type GuestActionBody = z.infer<typeof GuestActionBody>;

/** Hand the host role to the co-host (make a guest co-host first); the old host stays on stage as a guest. */
export const TransferHostBody = z.strictObject({ userId: Id });
export const PinBody = z.strictObject({ productId: Id.nullable() });
/** Hearts the client gathered since its last post (it sends at most about one post per second). */
export const HeartsBody = z.strictObject({ count: z.number().int().min(1).max(MAX_HEARTS_PER_POST) });

export const PublishOfferBody = z.strictObject({ offerSdp: text().min(10).max(MAX_SDP_CHARS) });
export const PublishAnswer = z.object({ answerSdp: text() });
export const SubscribeBody = z.strictObject({
  /** Stage members whose feeds to receive; absent: every publishing stage member but me. */
  publisherIds: z.array(Id).max(MAX_STAGE).optional(),
});
export const SubscribedFeed = z.object({ mid: text(), publisherId: Id, kind: z.enum(['audio', 'video']) });
export const SubscribeOffer = z.object({ offerSdp: text(), streams: z.array(SubscribedFeed) });
export type SubscribeOffer = z.infer<typeof SubscribeOffer>;
export const SubscribeAnswerBody = z.strictObject({ answerSdp: text().min(10).max(MAX_SDP_CHARS) });
export const LayerBody = z.strictObject({ publisherId: Id, layer: VideoLayer });

export const RoomSummary = z.object({
  roomId: Id,
  title: text(),
  startedAt: text().nullable(),
  endedAt: text().nullable(),
  durationMs: z.number().int(),
  peakViewers: z.number().int(),
  /** Distinct people who entered. */
  totalViewers: z.number().int(),
  messages: z.number().int(),
  hearts: z.number().int(),
  /** Paid orders whose attribution names this room (last touch). */
  orders: z.number().int(),
  /** Per currency. */
  revenue: z.array(Money),
});
export type RoomSummary = z.infer<typeof RoomSummary>;

/**
 * A blocking playlist reload (LL-HLS delivery directives, which hls.js sends when the playlist says
 * `CAN-BLOCK-RELOAD`): answer once the playlist holds media sequence number `_HLS_msn`. Loose, so a
 * player's other directives never make the live picture fail.
 */
export const HlsLiveQuery = z.object({
  _HLS_msn: z.coerce.number().int().min(0).optional(),
});

export const ChatHistoryQuery = z.strictObject({
  /** Events before this sequence (older); absent: the newest. */
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

// ---------------------------------------------------------------- channel events (`room:<id>`)

/** Stage members, their switches and pending invites changed. */
export const RoomStageEvent = z.object({
  kind: z.literal('room_stage'),
  version: z.number().int(),
  stage: z.array(StageMember),
  invites: z.array(UserSummary),
  mediaEpoch: z.number().int().min(0),
});
export type RoomStageEvent = z.infer<typeof RoomStageEvent>;
export const RoomHandsEvent = z.object({
  kind: z.literal('room_hands'),
  version: z.number().int(),
  hands: z.array(HandRaise),
  handsTotal: z.number().int(),
});
export type RoomHandsEvent = z.infer<typeof RoomHandsEvent>;
export const RoomPinnedEvent = z.object({ kind: z.literal('room_pinned'), version: z.number().int(), product: ProductCard.nullable() });
export type RoomPinnedEvent = z.infer<typeof RoomPinnedEvent>;
/** The room went live or ended (then everyone leaves; the SFU room is closed). */
export const RoomStatusEvent = z.object({
  kind: z.literal('room_status'),
  version: z.number().int(),
  status: RoomStatus,
  startedAt: text().nullable(),
  endedAt: text().nullable(),
});
export type RoomStatusEvent = z.infer<typeof RoomStatusEvent>;
/** Ephemeral, at most about once a second. */
export const RoomViewersEvent = z.object({ kind: z.literal('room_viewers'), viewers: z.number().int(), peakViewers: z.number().int() });
export type RoomViewersEvent = z.infer<typeof RoomViewersEvent>;
/** Ephemeral, at most about once a second: the room's total and what was added since the last one. */
export const RoomHeartsEvent = z.object({ kind: z.literal('room_hearts'), total: z.number().int(), added: z.number().int() });
export type RoomHeartsEvent = z.infer<typeof RoomHeartsEvent>;

/** Every server event of `room:<id>` besides the shared `chat` and `member` events. */
export const RoomEvent = z.discriminatedUnion('kind', [
  RoomStageEvent,
  RoomHandsEvent,
  RoomPinnedEvent,
  RoomStatusEvent,
  RoomViewersEvent,
  RoomHeartsEvent,
]);
export type RoomEvent = z.infer<typeof RoomEvent>;

/** Versioned events change the snapshot; apply them in order. */
export type VersionedRoomEvent = RoomStageEvent | RoomHandsEvent | RoomPinnedEvent | RoomStatusEvent;

/**
 * Applies a versioned event to a snapshot. Returns the new state, the same state for an old
 * event, or `null` for a gap (the caller refetches the snapshot).
 */
export function applyRoomEvent(state: RoomState, ev: RoomEvent): RoomState | null {
  switch (ev.kind) {
    case 'room_viewers':
      return { ...state, viewers: ev.viewers, peakViewers: Math.max(state.peakViewers, ev.peakViewers) };
    case 'room_hearts':
      return { ...state, hearts: Math.max(state.hearts, ev.total) };
    default:
      break;
  }
  if (ev.version <= state.version) return state;
  if (ev.version !== state.version + 1) return null;
  const next = { ...state, version: ev.version };
  switch (ev.kind) {
    case 'room_stage':
      return { ...next, stage: ev.stage, invites: ev.invites, mediaEpoch: ev.mediaEpoch };
    case 'room_hands':
      return { ...next, hands: ev.hands, handsTotal: ev.handsTotal };
    case 'room_pinned':
      return { ...next, pinned: ev.product };
    case 'room_status':
      return { ...next, status: ev.status, startedAt: ev.startedAt, endedAt: ev.endedAt };
  }
}
