import { z } from 'zod';
import { Id, text } from './common.ts';
import { UserSummary } from './accounts.ts';

/**
 * Random 1v1 video (连线) and Shake (抖一抖).
 *
 * A person opts in once over HTTP (18+ and the rules), subscribes to their own `match:<me>`
 * channel and publishes `match_queue` / `shake` there. The server answers on the same channel
 * with `match_status`, `match_found` (the peer, who makes the WebRTC offer, the ICE servers)
 * and `match_ended`. During a live call each side publishes `rtc_signal` and `match_chat`
 * on the *peer's* channel `match:<peer>`; the server accepts them only between the two
 * people of that call.
 */

export const MAX_MATCH_INTERESTS = 5;
export const MAX_MATCH_LANGUAGES = 3;
/** Largest snapshot frame a report may attach (decoded bytes): a ~320 px JPEG; the request body limit is 64 KiB. */
export const MAX_SNAPSHOT_BYTES = 44 * 1024;

export const MatchTag = text()
  .trim()
  .toLowerCase()
  .min(1)
  .max(24)
  .regex(/^[\p{L}\p{N}_-]+$/u, 'letters, digits, _ or -');

export const MatchQueuePublish = z.strictObject({
  kind: z.literal('match_queue'),
  /** `next` ends the current call (if any) and queues again. */
  action: z.enum(['join', 'leave', 'next']),
  interests: z.array(MatchTag).max(MAX_MATCH_INTERESTS).optional(),
  languages: z.array(MatchTag).max(MAX_MATCH_LANGUAGES).optional(),
});
export type MatchQueuePublish = z.infer<typeof MatchQueuePublish>;

export const ShakePublish = z.strictObject({
  kind: z.literal('shake'),
  /** The client's measured one-way delay to the server (half its ping RTT). */
  oneWayMs: z.number().min(0).max(5000),
  /** Optional, coarse (the client rounds it): only used to prefer someone nearby. */
  lat: z.number().min(-90).max(90).optional(),
  lng: z.number().min(-180).max(180).optional(),
});
export type ShakePublish = z.infer<typeof ShakePublish>;

export const RtcSignalPublish = z.strictObject({
  kind: z.literal('rtc_signal'),
  callId: Id,
  sdp: z.strictObject({ type: z.enum(['offer', 'answer']), sdp: text().max(12_000) }).optional(),
  candidate: z
    .strictObject({
      candidate: text().max(1000),
      sdpMid: text().max(64).nullable().optional(),
      sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
    })
    .optional(),
});
export type RtcSignalPublish = z.infer<typeof RtcSignalPublish>;

export const MatchChatPublish = z.strictObject({
  kind: z.literal('match_chat'),
  callId: Id,
  text: text().trim().min(1).max(500),
});
export type MatchChatPublish = z.infer<typeof MatchChatPublish>;

/**
 * The called person turns down a ringing video call of a shake match: published on the
 * caller's channel `match:<caller>`, which hears it as `match_ring_ended` (declined).
 */
export const MatchDeclinePublish = z.strictObject({
  kind: z.literal('match_decline'),
  callId: Id,
});
export type MatchDeclinePublish = z.infer<typeof MatchDeclinePublish>;

/** A STUN/TURN server as the browser's RTCPeerConnection takes it; 1v1 calls and rooms share it. */
export const IceServer = z.object({
  urls: z.union([text(), z.array(text())]),
  username: text().optional(),
  credential: text().optional(),
});
export type IceServer = z.infer<typeof IceServer>;

export const MatchStatusEvent = z.object({
  kind: z.literal('match_status'),
  state: z.enum(['idle', 'queued', 'in_call', 'shaking']),
  /** Present when the person may not queue right now (cool-down or ban). */
  restrictedUntil: text().nullable().optional(),
  /** Set when a moderator banned this person from 连线: every node takes them out of the queue. */
  banned: z.boolean().optional(),
});
export type MatchStatusEvent = z.infer<typeof MatchStatusEvent>;

export const MatchFoundEvent = z.object({
  kind: z.literal('match_found'),
  callId: Id,
  source: z.enum(['random', 'shake']),
  peer: UserSummary,
  /** The offerer creates the WebRTC offer; the answerer waits for it. */
  role: z.enum(['offerer', 'answerer']),
  iceServers: z.array(IceServer),
});
export type MatchFoundEvent = z.infer<typeof MatchFoundEvent>;

export const MatchEndedEvent = z.object({
  kind: z.literal('match_ended'),
  callId: Id,
  reason: z.enum(['next', 'left', 'disconnected', 'reported', 'blocked', 'banned']),
});
export type MatchEndedEvent = z.infer<typeof MatchEndedEvent>;

/**
 * A shake match's video call stopped ringing without being answered: the called person declined,
 * or did not answer within the ring time (both hear `no_answer`). The match itself goes on, so
 * both are back on each other's card.
 */
export const MatchRingEndedEvent = z.object({
  kind: z.literal('match_ring_ended'),
  callId: Id,
  reason: z.enum(['declined', 'no_answer']),
});
export type MatchRingEndedEvent = z.infer<typeof MatchRingEndedEvent>;

/** A shake with nobody in its window. */
export const ShakeMissEvent = z.object({ kind: z.literal('shake_miss') });

export const MatchOptIn = z.object({
  adultConfirmedAt: text().nullable(),
  rulesAcceptedAt: text().nullable(),
  interests: z.array(text()),
  languages: z.array(text()),
  /** The person may not queue before this (automatic cool-down). */
  cooldownUntil: text().nullable(),
  banned: z.boolean(),
  /** Whether this person may review reports (so the app can offer the moderation page). */
  moderator: z.boolean(),
  iceServers: z.array(IceServer),
});
export type MatchOptIn = z.infer<typeof MatchOptIn>;

export const MatchOptInBody = z.strictObject({
  confirmAdult: z.literal(true),
  acceptRules: z.literal(true),
  interests: z.array(MatchTag).max(MAX_MATCH_INTERESTS).default([]),
  languages: z.array(MatchTag).max(MAX_MATCH_LANGUAGES).default([]),
});

/** The lobby's picks, stored on the opt-in so they are chosen again next time (opted-in people only). */
export const MatchPrefsBody = z.strictObject({
  interests: z.array(MatchTag).max(MAX_MATCH_INTERESTS).optional(),
  languages: z.array(MatchTag).max(MAX_MATCH_LANGUAGES).optional(),
});
export type MatchPrefsBody = z.infer<typeof MatchPrefsBody>;

export const MatchReportReason = z.enum(['nudity', 'harassment', 'minor', 'violence', 'spam', 'other']);
export const MatchReportBody = z.strictObject({
  userId: Id,
  callId: Id.optional(),
  reason: MatchReportReason,
  details: text().trim().max(500).optional(),
  /** A frame of the other video, taken by the reporter's browser: `data:image/jpeg;base64,…` or png/webp. */
  snapshot: text()
    .max(Math.ceil((MAX_SNAPSHOT_BYTES * 4) / 3) + 40)
    .regex(/^data:image\/(jpeg|png|webp);base64,[A-Za-z0-9+/=]+$/, 'a data URL of a jpeg, png or webp')
    .optional(),
});
export type MatchReportBody = z.infer<typeof MatchReportBody>;

export const MatchBlockBody = z.strictObject({ userId: Id, callId: Id.optional() });
export const MatchReportCreated = z.object({ id: Id });

export const MatchReport = z.object({
  id: Id,
  reporter: UserSummary,
  reported: UserSummary,
  callId: Id.nullable(),
  reason: MatchReportReason,
  details: text(),
  hasSnapshot: z.boolean(),
  status: z.enum(['open', 'dismissed', 'actioned']),
  createdAt: text(),
  /** Open reports against the same person, for context. */
  reportedOpenCount: z.number().int(),
  reportedBanned: z.boolean(),
});
export type MatchReport = z.infer<typeof MatchReport>;

export const MatchReportPage = z.object({ items: z.array(MatchReport), nextCursor: text().nullable() });
export const MatchReportQuery = z.object({
  status: z.enum(['open', 'dismissed', 'actioned']).default('open'),
  cursor: text().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export const MatchReportParams = z.object({ id: Id });
export const MatchReviewBody = z.strictObject({ status: z.enum(['dismissed', 'actioned']) });
export const MatchBanBody = z.strictObject({ userId: Id, reason: text().trim().min(1).max(300), reportId: Id.optional() });
export const MatchUserParams = z.object({ userId: Id });
