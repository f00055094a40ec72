import { z } from 'zod';
import { UserSummary } from './accounts.ts';
import { Id, text } from './common.ts';

/**
 * Where something reported lives. One report flow serves them all; a new surface (reviews) is one
 * more member here plus an adapter registered with the moderation service on the server.
 */
export const ReportSurface = z.enum(['profile', 'video', 'comment', 'group_message', 'dm', 'room', 'product', 'review', 'match']);
export type ReportSurface = z.infer<typeof ReportSurface>;

export const ReportReason = z.enum(['spam', 'harassment', 'hate', 'nudity', 'violence', 'minor', 'scam', 'other']);
export type ReportReason = z.infer<typeof ReportReason>;

/**
 * What is reported: `targetId` is the profile's person, the video, comment, room or product id;
 * for a group message the group id with the message's `seq`, for a DM the other person's id with
 * `seq`, for one line of a room's chat the room id with the line's `seq`.
 */
export const ReportBody = z.strictObject({
  surface: ReportSurface,
  targetId: Id,
  seq: z.number().int().min(1).optional(),
  reason: ReportReason,
  details: text().max(500).optional(),
});
export type ReportBody = z.infer<typeof ReportBody>;

/** One line of the conversation around a reported message, as it was when reported. */
export const ContextLine = z.object({ seq: z.number().int(), from: text().nullable(), text: text(), reported: z.boolean() });

/** The reported content, copied at report time so it stays reviewable after its author deletes it. */
export const ReportSnapshot = z.object({
  title: text(),
  text: text(),
  imageUrl: text().nullable(),
  context: z.array(ContextLine),
});
export type ReportSnapshot = z.infer<typeof ReportSnapshot>;

export const ReportStatus = z.enum(['open', 'dismissed', 'actioned']);
export type ReportStatus = z.infer<typeof ReportStatus>;

export const QueueItem = z.object({
  id: Id,
  surface: ReportSurface,
  targetId: Id,
  seq: z.number().int().nullable(),
  reason: ReportReason,
  details: text(),
  reporter: UserSummary,
  reported: UserSummary.nullable(),
  snapshot: ReportSnapshot,
  status: ReportStatus,
  createdAt: text(),
  /** Open reports about the same person, for context. */
  reportedOpenCount: z.number().int(),
});
export type QueueItem = z.infer<typeof QueueItem>;
export const QueuePage = z.object({ items: z.array(QueueItem), nextCursor: text().nullable() });
export const QueueQuery = z.strictObject({
  status: ReportStatus.default('open'),
  surface: ReportSurface.optional(),
  reason: ReportReason.optional(),
  cursor: Id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const ActionKind = z.enum(['remove', 'warn', 'mute', 'suspend', 'ban']);
export type ActionKind = z.infer<typeof ActionKind>;

/** A moderator's action: on a report's content and author, or (without a report) on a person. */
export const ActionBody = z
  .strictObject({
    kind: ActionKind,
    reportId: Id.optional(),
    userId: Id.optional(),
    /** How long a mute or suspension lasts. */
    hours: z
      .number()
      .int()
      .min(1)
      .max(24 * 365)
      .optional(),
    note: text().trim().min(1).max(500),
  })
  .refine((b) => b.reportId !== undefined || (b.userId !== undefined && b.kind !== 'remove'), {
    message: 'name a report (or a person, for anything but remove)',
  })
  .refine((b) => (b.kind === 'mute' || b.kind === 'suspend') === (b.hours !== undefined), {
    message: 'hours are given for a mute or a suspension, and only then',
  });
export type ActionBody = z.infer<typeof ActionBody>;

export const AppealStatus = z.enum(['open', 'upheld', 'overturned']);
export const Appeal = z.object({ id: Id, text: text(), status: AppealStatus, decidedAt: text().nullable() });

/** An action as the person it was taken against sees it (the moderator stays unnamed). */
export const ActionNotice = z.object({
  id: Id,
  kind: ActionKind,
  until: text().nullable(),
  note: text(),
  surface: ReportSurface.nullable(),
  contentTitle: text().nullable(),
  createdAt: text(),
  revoked: z.boolean(),
  appeal: Appeal.nullable(),
});
export type ActionNotice = z.infer<typeof ActionNotice>;

export const ModerationMe = z.object({
  isModerator: z.boolean(),
  mutedUntil: text().nullable(),
  notices: z.array(ActionNotice),
});
export type ModerationMe = z.infer<typeof ModerationMe>;

export const ActionParams = z.object({ id: Id });
export const AppealBody = z.strictObject({ text: text().trim().min(1).max(1000) });

export const AppealItem = z.object({
  id: Id,
  text: text(),
  status: AppealStatus,
  createdAt: text(),
  action: z.object({
    id: Id,
    kind: ActionKind,
    note: text(),
    until: text().nullable(),
    user: UserSummary,
    by: UserSummary,
    snapshot: ReportSnapshot.nullable(),
  }),
});
export type AppealItem = z.infer<typeof AppealItem>;
export const AppealPage = z.object({ items: z.array(AppealItem), nextCursor: text().nullable() });
export const AppealQuery = z.strictObject({ status: AppealStatus.default('open'), cursor: Id.optional() });
export const DecideAppealBody = z.strictObject({ decision: z.enum(['upheld', 'overturned']), note: text().trim().max(500).default('') });

export const AuditEntry = z.object({
  id: Id,
  actor: UserSummary,
  action: text(),
  subject: UserSummary.nullable(),
  detail: text(),
  createdAt: text(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditPage = z.object({ items: z.array(AuditEntry), nextCursor: text().nullable() });
export const AuditQuery = z.strictObject({ cursor: Id.optional() });

/** `site`: the moderators' list for everything; `mine`: a creator's list for their groups, rooms and comments. */
export const WordScope = z.enum(['site', 'mine']);
export const WordAction = z.enum(['block', 'hold']);
export type WordAction = z.infer<typeof WordAction>;
export const FilterWord = z.object({ id: Id, word: text(), action: WordAction, createdAt: text() });
export type FilterWord = z.infer<typeof FilterWord>;
export const WordList = z.object({ items: z.array(FilterWord) });
export const WordScopeQuery = z.strictObject({ scope: WordScope.default('mine') });
export const AddWordBody = z.strictObject({ scope: WordScope, word: text().trim().min(1).max(60), action: WordAction });
export const WordParams = z.object({ id: Id });

export const HeldSurface = z.enum(['comment', 'group_message', 'room']);
export const HeldItem = z.object({
  id: Id,
  surface: HeldSurface,
  /** The video, group or room it was sent to. */
  placeId: Id,
  placeName: text(),
  author: UserSummary,
  text: text(),
  word: text(),
  createdAt: text(),
});
export type HeldItem = z.infer<typeof HeldItem>;
export const HeldList = z.object({ items: z.array(HeldItem) });
export const HeldParams = z.object({ id: Id });
export const DecideHeldBody = z.strictObject({ decision: z.enum(['release', 'remove']) });
export const ReportCreated = z.object({ id: Id });
