import { z } from 'zod';
import { Id, knownOnly, text } from './common.ts';
import { UserSummary } from './accounts.ts';
import { ActionKind } from './moderation.ts';
import { OrderStatus } from './shop.ts';
import { AftersalesEventKind } from './aftersales.ts';

/** Notification payloads are a discriminated union on `kind`; new features add members. */
export const NotificationPayload = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('followed'), actor: UserSummary }),
  z.object({ kind: z.literal('friended'), actor: UserSummary }),
  /** Shop: an order changed in a way the other side should hear about (paid, shipped, refund asked …). */
  z.object({
    kind: z.literal('order'),
    orderId: Id,
    status: OrderStatus,
    role: z.enum(['buyer', 'seller']),
    title: text(),
    actor: UserSummary.nullable(),
  }),
  /** Shop: an after-sales request on an order line took a step the other side should hear about. */
  z.object({
    kind: z.literal('aftersales'),
    requestId: Id,
    orderId: Id,
    event: AftersalesEventKind,
    /** `moderator`: an escalation waiting in the moderators' queue. */
    role: z.enum(['buyer', 'seller', 'moderator']),
    title: text(),
  }),
  /** Shop: a variant fell to or below its low-stock threshold. */
  z.object({ kind: z.literal('low_stock'), productId: Id, variantId: Id, title: text(), sku: text(), stock: z.number().int() }),
  /** Groups: someone @mentioned me (or @all). */
  z.object({ kind: z.literal('mention'), actor: UserSummary, groupId: Id, groupName: text(), seq: z.number().int(), preview: text() }),
  /** Groups: someone asks to join a group I moderate. */
  z.object({ kind: z.literal('join_request'), actor: UserSummary, groupId: Id, groupName: text() }),
  /** No longer sent (DMs count in the chats badge only); kept so older stored items still parse. */
  z.object({ kind: z.literal('dm'), actor: UserSummary, request: z.boolean(), preview: text() }),
  /** Rooms: someone I follow went live in a friends chat room. */
  /** `reserved`: I reserved (预约) this scheduled room and it has started. */
  z.object({ kind: z.literal('room_live'), actor: UserSummary, roomId: Id, title: text(), reserved: z.boolean().optional() }),
  /** Rooms: the host invites me on stage; I answer in the room. */
  z.object({ kind: z.literal('room_invite'), actor: UserSummary, roomId: Id, title: text() }),
  /** Account rights: the archive of my data I asked for is ready to download (or could not be built). */
  z.object({ kind: z.literal('data_export'), exportId: Id, state: z.enum(['ready', 'failed']), expiresAt: text().nullable() }),
  /** Moderation: an action against me, or the decision on my appeal (details on the safety page). */
  z.object({
    kind: z.literal('moderation'),
    action: z.union([ActionKind, z.enum(['appeal_upheld', 'appeal_overturned', 'appeal_overturned_unrestored'])]),
    until: text().nullable(),
  }),
  /** Shop: a buyer reviewed something I sell, or the seller replied to my review. */
  z.object({
    kind: z.literal('review'),
    role: z.enum(['seller', 'buyer']),
    actor: UserSummary,
    productId: Id,
    title: text(),
    stars: z.number().int().min(1).max(5),
  }),
]);
export type NotificationPayload = z.infer<typeof NotificationPayload>;

export const Notification = z.object({
  id: Id,
  payload: NotificationPayload,
  read: z.boolean(),
  createdAt: text(),
});
export type Notification = z.infer<typeof Notification>;

/** The inbox, a page at a time; kinds this version does not know yet are skipped. */
export const NotificationPage = z.object({ items: knownOnly(Notification), nextCursor: text().nullable() });

export const UnreadCount = z.object({ unread: z.number().int() });

export const MarkReadBody = z.strictObject({
  /** Mark everything up to and including this id as read; absent (and no `ids`) = all. */
  upTo: Id.optional(),
  /** Mark just these (the ones seen on screen, or the one opened). */
  ids: z.array(Id).min(1).max(100).optional(),
});

/**
 * The Messages tab's counts, from the server: unread notifications, and unread direct messages
 * (a DM counts here only, never as a notification). Pushed live as a `badges` event on
 * `user:<id>` to every session of the person whenever either changes.
 */
export const Badges = z.object({ notifications: z.number().int(), chats: z.number().int() });
export type Badges = z.infer<typeof Badges>;
