import { z } from 'zod';
import { Id, text } from './common.ts';

/** Who may do something to me: anyone, only people I follow, or only friends (we follow each other). */
export const Audience = z.enum(['everyone', 'following', 'friends']);
export type Audience = z.infer<typeof Audience>;

/**
 * A person's privacy settings. Whether search may find me is the profile's `discoverable`
 * (`PATCH /me`), shown here too so the settings page has one source.
 */
export const PrivacySettings = z.object({
  /** Who may send me direct messages (message requests included). */
  messages: Audience,
  /** Who may invite me on stage in a room or into a watch party. */
  invites: Audience,
  /** Whether others see the list of videos I liked. */
  likesVisible: z.boolean(),
  discoverable: z.boolean(),
});
export type PrivacySettings = z.infer<typeof PrivacySettings>;

export const PrivacyBody = z.strictObject({
  messages: Audience.optional(),
  invites: Audience.optional(),
  likesVisible: z.boolean().optional(),
  discoverable: z.boolean().optional(),
});
export type PrivacyBody = z.infer<typeof PrivacyBody>;

export const DataExportState = z.enum(['pending', 'building', 'ready', 'failed', 'expired']);
export type DataExportState = z.infer<typeof DataExportState>;

/** One "download my data" request and how far it got. */
export const DataExport = z.object({
  id: Id,
  state: DataExportState,
  /** Size of the archive once ready. */
  bytes: z.number().int().nullable(),
  createdAt: text(),
  readyAt: text().nullable(),
  /** After this the archive is deleted and the link answers 404. */
  expiresAt: text().nullable(),
  /** Where to download it (only its owner, while signed in); null until ready and after it expires. */
  downloadUrl: text().nullable(),
});
export type DataExport = z.infer<typeof DataExport>;

export const DataExportStatus = z.object({
  latest: DataExport.nullable(),
  /** When I may ask for another archive (one a day); null: now. */
  nextAllowedAt: text().nullable(),
});
export type DataExportStatus = z.infer<typeof DataExportStatus>;

export const ExportIdParams = z.strictObject({ id: Id });

export const DeleteAccountBody = z.strictObject({ password: text().min(1).max(200) });

export const AccountDeletion = z.object({
  /** When the account will be deleted; null: not scheduled. */
  dueAt: text().nullable(),
  /** The grace period, in days, during which logging in can cancel. */
  graceDays: z.number(),
});
export type AccountDeletion = z.infer<typeof AccountDeletion>;

/** A page of someone's liked videos; the cursor is the one the previous page returned. */
export const LikesQuery = z.strictObject({
  cursor: text().max(80).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
