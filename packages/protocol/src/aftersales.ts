import { z } from 'zod';
import { Id, page, text } from './common.ts';
import { Money } from './shop.ts';

/**
 * After-sales (售后): a buyer asks for money back on some units of one order line, with or
 * without sending them back; the seller accepts or declines; a declined request can go to
 * moderators. Every step is an event on the request's timeline.
 */

export const MAX_AFTERSALES_PHOTOS = 6;

/** The same shape as `UserSummary` in accounts.ts (see shop.ts for why it is repeated). */
const UserSummary = z.object({ id: Id, handle: text(), displayName: text(), avatarUrl: text().nullable() });

export const AftersalesKind = z.enum(['refund_only', 'return_refund']);
export type AftersalesKind = z.infer<typeof AftersalesKind>;

export const AftersalesReason = z.enum(['damaged', 'not_as_described', 'wrong_item', 'missing_parts', 'changed_mind', 'other']);
export type AftersalesReason = z.infer<typeof AftersalesReason>;

/**
 * requested → accepted (return_refund: waiting for the goods) → returning (shipped back) → refunding → refunded;
 * requested → refunding (refund_only accepted) → refunded;
 * requested → declined → escalated → refunding (a moderator refunds) | closed (the decline is upheld).
 * `refunding` means the money is owed and on its way through the payment provider.
 */
export const AftersalesStatus = z.enum(['requested', 'accepted', 'returning', 'declined', 'escalated', 'refunding', 'refunded', 'closed']);
export type AftersalesStatus = z.infer<typeof AftersalesStatus>;
/** Statuses in which a request still holds its line's units: at most one such request per line. */
export const ACTIVE_AFTERSALES_STATUSES = [
  'requested',
  'accepted',
  'returning',
  'escalated',
  'refunding',
] as const satisfies readonly AftersalesStatus[];

export const AftersalesEventKind = z.enum([
  'opened',
  'accepted',
  'declined',
  'shipped_back',
  'received',
  'refunded',
  'escalated',
  'decided_refund',
  'decided_uphold',
]);
export type AftersalesEventKind = z.infer<typeof AftersalesEventKind>;

export const AftersalesEvent = z.object({
  kind: AftersalesEventKind,
  actor: z.enum(['buyer', 'seller', 'moderator', 'system']),
  note: text().nullable(),
  at: text(),
});
export type AftersalesEvent = z.infer<typeof AftersalesEvent>;

export const AftersalesPhoto = z.object({ id: Id, url: text(), thumbUrl: text(), width: z.number().int(), height: z.number().int() });

export const AftersalesRequest = z.object({
  id: Id,
  orderId: Id,
  orderItemId: Id,
  buyer: UserSummary,
  seller: UserSummary,
  /** The line as bought. */
  title: text(),
  options: z.record(text(), text()),
  imageUrl: text().nullable(),
  kind: AftersalesKind,
  quantity: z.number().int(),
  reason: AftersalesReason,
  text: text(),
  photos: z.array(AftersalesPhoto),
  status: AftersalesStatus,
  /** What goes back to the buyer: the units' share of what was paid for the line (set once accepted). */
  refund: Money.nullable(),
  returnShipment: z.object({ carrier: text(), trackingNumber: text() }).nullable(),
  declineReason: text().nullable(),
  timeline: z.array(AftersalesEvent),
  createdAt: text(),
  updatedAt: text(),
});
export type AftersalesRequest = z.infer<typeof AftersalesRequest>;

export const OpenAftersalesBody = z.strictObject({
  orderItemId: Id,
  kind: AftersalesKind,
  quantity: z.number().int().min(1).max(999),
  reason: AftersalesReason,
  text: text().trim().max(500).default(''),
});
export type OpenAftersalesBody = z.infer<typeof OpenAftersalesBody>;

export const DeclineAftersalesBody = z.strictObject({ reason: text().trim().min(1).max(300) });
export const ShipBackBody = z.strictObject({
  carrier: text().trim().min(1).max(40),
  trackingNumber: text()
    .trim()
    .min(4)
    .max(40)
    .regex(/^[A-Za-z0-9-]+$/, 'letters, digits and -'),
});
export const EscalateAftersalesBody = z.strictObject({ text: text().trim().max(500).default('') });
export const DecideAftersalesBody = z.strictObject({
  decision: z.enum(['refund', 'uphold']),
  note: text().trim().max(500).default(''),
});

export const AftersalesIdParams = z.strictObject({ id: Id });
export const AftersalesPhotoParams = z.strictObject({ id: Id, photoId: Id });
/** The small square (`thumb`) or the whole picture (default). */
export const AftersalesPhotoQuery = z.strictObject({ size: z.enum(['full', 'thumb']).optional() });
export const AftersalesList = z.object({ items: z.array(AftersalesRequest) });
export const EscalatedPage = page(AftersalesRequest);
/** The moderators' queue, oldest escalation first; `cursor` is the last page's `nextCursor`. */
export const EscalatedQuery = z.strictObject({
  cursor: text().max(80).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
