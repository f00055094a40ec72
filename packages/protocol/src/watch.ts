import { z } from 'zod';
import { Id, text } from './common.ts';
import { UserSummary } from './accounts.ts';
import { Video } from './videos.ts';

/**
 * Watch together (一起看视频). A party plays one video (or a playlist) for everyone who joined
 * its link. Its playback is one authoritative state on the server:
 *
 *   (videoId, playing, rate, positionMs at server time atServerMs, version)
 *
 * Every client computes where the video should be at any server time from it
 * (`positionAt`), so a state can be scheduled a little in the future (the lead) and all
 * clients start, pause or jump together. The state travels on the durable channel
 * `watch:<id>` as `watch_state`; clients change it by publishing `watch_control`.
 */

export const MAX_PLAYLIST = 50;
export const MAX_RATE = 2;
export const MIN_RATE = 0.25;
/** Largest lead a client may ask for; longer would feel like the button did nothing. */
export const MAX_LEAD_MS = 2000;
/** Lead used when a control does not say (a client that has no RTT estimates yet). */
export const DEFAULT_LEAD_MS = 300;
/** How long the party waits for a member who is buffering before it goes on without them. */
export const BUFFER_WAIT_MS = 3000;

export const ControlMode = z.enum(['host', 'cohosts', 'everyone']);
export type ControlMode = z.infer<typeof ControlMode>;
export const WatchRole = z.enum(['host', 'cohost', 'member']);
export type WatchRole = z.infer<typeof WatchRole>;

export const PlaybackState = z.object({
  videoId: Id,
  playing: z.boolean(),
  rate: z.number().min(MIN_RATE).max(MAX_RATE),
  /** Position in the video at server time `atServerMs`. */
  positionMs: z.number().min(0),
  /** Server clock (ms since the epoch); may be a little in the future: the moment it takes effect. */
  atServerMs: z.number(),
  /** Increases with every change; a client ignores a state older than the one it has. */
  version: z.number().int().min(0),
  /** The party is paused because someone is buffering; it resumes on its own. */
  waiting: z.boolean(),
});
export type PlaybackState = z.infer<typeof PlaybackState>;

/** Where the video should be at server time `serverMs` (ms), given the state. */
export function positionAt(
  state: Pick<PlaybackState, 'playing' | 'rate' | 'positionMs' | 'atServerMs'>,
  serverMs: number,
  durationMs?: number | null,
): number {
  const p = state.playing && serverMs > state.atServerMs ? state.positionMs + (serverMs - state.atServerMs) * state.rate : state.positionMs;
  const clamped = Math.max(0, p);
  return durationMs ? Math.min(clamped, durationMs) : clamped;
}

export const WatchAction = z.enum(['play', 'pause', 'seek', 'rate', 'next', 'video']);
export type WatchAction = z.infer<typeof WatchAction>;

/** A member asks to change playback; the server checks the control mode and schedules it. */
export const WatchControlPublish = z.strictObject({
  kind: z.literal('watch_control'),
  action: WatchAction,
  /** For `seek` (and optionally `play`/`pause`): where to be. */
  positionMs: z
    .number()
    .min(0)
    .max(24 * 3_600_000)
    .optional(),
  /** For `rate`. */
  rate: z.number().min(MIN_RATE).max(MAX_RATE).optional(),
  /** For `video`: a video of the playlist. */
  videoId: Id.optional(),
  /** How far ahead to schedule it: the sender's max(2 × the members' round trip, a floor). */
  leadMs: z.number().int().min(0).max(MAX_LEAD_MS).optional(),
});
export type WatchControlPublish = z.infer<typeof WatchControlPublish>;

/** Ephemeral: who is here, their round trip (for everyone's lead) and whether they are buffering. */
export const WatchPresencePublish = z.strictObject({
  kind: z.literal('watch_presence'),
  status: z.enum(['watching', 'buffering', 'ready', 'left']),
  rttMs: z.number().min(0).max(60_000).optional(),
});
export type WatchPresencePublish = z.infer<typeof WatchPresencePublish>;

/** A new authoritative state; `by` is who caused it (null: the server, e.g. a buffering wait ended). */
export const WatchStateEvent = z.object({
  kind: z.literal('watch_state'),
  state: PlaybackState,
  action: z.enum(['play', 'pause', 'seek', 'rate', 'next', 'video', 'wait', 'resume']),
  by: Id.nullable(),
});
export type WatchStateEvent = z.infer<typeof WatchStateEvent>;

export const WatchMember = z.object({
  user: UserSummary,
  role: WatchRole,
  joinedAt: text(),
});
export type WatchMember = z.infer<typeof WatchMember>;

/** The party without anything specific to one viewer: what `watch_party` events carry. */
export const WatchPartyInfo = z.object({
  id: Id,
  host: UserSummary.nullable(),
  controlMode: ControlMode,
  /** Members present now (joined and not left), host first. */
  members: z.array(WatchMember),
  playlist: z.array(Id),
  ended: z.boolean(),
});
export type WatchPartyInfo = z.infer<typeof WatchPartyInfo>;

/** Membership, roles or control mode changed. */
export const WatchPartyEvent = z.object({ kind: z.literal('watch_party'), party: WatchPartyInfo });

export const WatchParty = WatchPartyInfo.extend({
  state: PlaybackState,
  /** The playlist's videos this viewer may see, in order. */
  videos: z.array(Video),
  channel: text(),
  /** The share link (path), `/w/<id>`. */
  link: text(),
  /** Server clock when this answer was made, for a first clock estimate. */
  serverTime: z.number(),
  me: z.object({
    joined: z.boolean(),
    role: WatchRole.nullable(),
    canControl: z.boolean(),
  }),
});
export type WatchParty = z.infer<typeof WatchParty>;

/**
 * What a watch-party link shows before joining, also to a visitor who is not logged in: who
 * hosts, what plays and how many watch. Only when the viewer may see the video playing.
 */
export const WatchPreview = z.object({
  id: Id,
  host: UserSummary.nullable(),
  video: z.object({ id: Id, caption: text(), posterUrl: text().nullable(), author: UserSummary }).nullable(),
  watching: z.number().int().min(0),
  link: text(),
});
export type WatchPreview = z.infer<typeof WatchPreview>;

export const CreateWatchBody = z.strictObject({
  /** One video, or a playlist played in order. */
  videoIds: z.array(Id).min(1).max(MAX_PLAYLIST),
  controlMode: ControlMode.default('everyone'),
  /** Start here in the first video. */
  positionMs: z
    .number()
    .int()
    .min(0)
    .max(24 * 3_600_000)
    .default(0),
});
export type CreateWatchBody = z.infer<typeof CreateWatchBody>;

export const WatchParams = z.strictObject({ id: Id });
export const HandOverBody = z.strictObject({ userId: Id });
export const SetControlBody = z.strictObject({
  mode: ControlMode,
  /** With `cohosts`: the members who may control besides the host (replaces the list). */
  cohosts: z.array(Id).max(50).optional(),
});
export const AddToPlaylistBody = z.strictObject({ videoIds: z.array(Id).min(1).max(MAX_PLAYLIST) });
