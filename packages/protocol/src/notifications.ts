import { z } from 'zod';
import { Id } from './common.ts';
import { UserSummary } from './accounts.ts';

/** Notification payloads are a discriminated union on `kind`; new features add members. */
export const NotificationPayload = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('followed'), actor: UserSummary }),
  z.object({ kind: z.literal('friended'), actor: UserSummary }),
]);
export type NotificationPayload = z.infer<typeof NotificationPayload>;

export const Notification = z.object({
  id: Id,
  payload: NotificationPayload,
  read: z.boolean(),
  createdAt: z.string(),
});
export type Notification = z.infer<typeof Notification>;

export const UnreadCount = z.object({ unread: z.number().int() });

export const MarkReadBody = z.strictObject({
  /** Mark everything up to and including this id as read; absent = all. */
  upTo: Id.optional(),
});
