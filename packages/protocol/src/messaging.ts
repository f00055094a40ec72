import { z } from 'zod';
import { Handle, Id, text } from './common.ts';
import { JoinBlock, UserSummary } from './accounts.ts';

/**
 * Fan groups (粉丝群) and direct messages. Messages travel on durable channels
 * (`group:<id>`, `dm:<a>:<b>` with the two user ids sorted) with a per-channel sequence.
 */

export const MAX_MESSAGE_CHARS = 2000;

/**
 * What a person shares into a chat: it opens in place. A card (个人名片) is named by its handle,
 * as its link is; a room and a watch party by id. The receiver's own view decides what they see.
 */
export const ShareTarget = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('video'), id: Id }),
  z.strictObject({ type: z.literal('product'), id: Id }),
  z.strictObject({ type: z.literal('watch'), id: Id }),
  z.strictObject({ type: z.literal('card'), handle: Handle }),
  z.strictObject({ type: z.literal('room'), id: Id }),
]);
export type ShareTarget = z.infer<typeof ShareTarget>;

/** Message bodies members publish on group and DM channels. */
export const ChatPublish = z.strictObject({
  kind: z.literal('chat'),
  text: text().trim().min(1).max(MAX_MESSAGE_CHARS),
  /** Sequence of the message replied to, in the same channel. */
  replyTo: z.number().int().min(1).optional(),
  /** People mentioned with @; `mentionAll` (@all) is for group admins only. */
  mentions: z.array(Id).max(20).optional(),
  mentionAll: z.boolean().optional(),
});
export const SharePublish = z.strictObject({
  kind: z.literal('share'),
  target: ShareTarget,
  text: text().trim().max(500).optional(),
});
export const ImagePublish = z.strictObject({
  kind: z.literal('image'),
  /** As returned by `POST /api/v1/chat/images`. */
  url: text().regex(/^\/media\/chat\/[0-9a-f-]+\.webp$/),
  width: z.number().int().min(1).max(4096),
  height: z.number().int().min(1).max(4096),
});

/** The stored form of member messages: the server adds the sender's fan level badge. */
export const ChatEvent = ChatPublish.extend({ fanLevel: z.number().int().optional() });
export const ShareEvent = SharePublish.extend({ fanLevel: z.number().int().optional() });
export const ImageEvent = ImagePublish.extend({ fanLevel: z.number().int().optional() });

/** Events only the server writes into a group or DM channel. */
export const CouponDropEvent = z.object({ kind: z.literal('coupon_drop'), couponId: Id, title: text(), remaining: z.number().int() });
export const MessageDeletedEvent = z.object({ kind: z.literal('message_deleted'), seq: z.number().int(), by: Id });
export const AnnouncementEvent = z.object({ kind: z.literal('announcement'), text: text() });
export const MemberEvent = z.object({
  kind: z.literal('member'),
  event: z.enum(['joined', 'left', 'removed', 'banned', 'muted', 'unmuted', 'group_muted', 'group_unmuted', 'role']),
  user: UserSummary.nullable(),
  role: z.enum(['owner', 'admin', 'member']).optional(),
});

// ---------------------------------------------------------------- fan groups

export const JoinRule = z.enum(['anyone', 'followers', 'fan_level', 'invite', 'approval']);
export type JoinRule = z.infer<typeof JoinRule>;
export const GroupRole = z.enum(['owner', 'admin', 'member']);
export type GroupRole = z.infer<typeof GroupRole>;

export const CreateGroupBody = z.strictObject({
  name: text().trim().min(1).max(40),
  description: text().max(500).default(''),
  capacity: z.number().int().min(2).max(100_000).default(500),
  joinRule: JoinRule.default('anyone'),
  /** For `fan_level`: the level a fan needs with the creator. */
  minFanLevel: z.number().int().min(1).max(50).optional(),
});
export type CreateGroupBody = z.infer<typeof CreateGroupBody>;

export const UpdateGroupBody = z.strictObject({
  name: text().trim().min(1).max(40).optional(),
  description: text().max(500).optional(),
  capacity: z.number().int().min(2).max(100_000).optional(),
  joinRule: JoinRule.optional(),
  minFanLevel: z.number().int().min(1).max(50).nullable().optional(),
  /** Pinned announcement; empty string removes it. */
  announcement: text().max(1000).optional(),
  /** Only admins may talk while the whole group is muted. */
  mutedAll: z.boolean().optional(),
});

export const Group = z.object({
  id: Id,
  owner: UserSummary,
  name: text(),
  description: text(),
  avatarUrl: text().nullable(),
  capacity: z.number().int(),
  members: z.number().int(),
  joinRule: JoinRule,
  minFanLevel: z.number().int().nullable(),
  announcement: text().nullable(),
  mutedAll: z.boolean(),
  channel: text(),
  /** Present for the viewer. */
  me: z
    .object({
      status: z.enum(['member', 'pending', 'banned', 'none']),
      role: GroupRole.nullable(),
      fanLevel: z.number().int(),
      mutedUntil: text().nullable(),
      lastReadSeq: z.number().int(),
      unread: z.number().int(),
      /** Why I cannot join, when I cannot. */
      joinBlockedReason: text().nullable(),
      /** The same as a code, for the screen to say what to do (follow the creator, …). */
      joinBlocked: JoinBlock.nullable().optional(),
    })
    .nullable(),
  /** Present for owners and admins: share it as `/g/<id>?invite=<code>`. */
  inviteCode: text().nullable(),
  head: z.number().int(),
});
export type Group = z.infer<typeof Group>;

export const GroupParams = z.strictObject({ id: Id });
export const GroupMemberParams = z.strictObject({ id: Id, userId: Id });
export const GroupMessageParams = z.strictObject({ id: Id, seq: z.coerce.number().int().min(1) });

export const JoinGroupBody = z.strictObject({ inviteCode: text().max(64).optional() });
export const GroupList = z.object({ items: z.array(Group) });
export const JoinResult = z.object({ status: z.enum(['member', 'pending']), group: Group });

export const GroupMember = z.object({
  user: UserSummary,
  role: GroupRole,
  fanLevel: z.number().int(),
  mutedUntil: text().nullable(),
  joinedAt: text(),
});
export type GroupMember = z.infer<typeof GroupMember>;

export const MembersQuery = z.strictObject({
  cursor: text().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  status: z.enum(['member', 'pending']).default('member'),
});

export const ModerateBody = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('mute'),
    minutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 30),
  }),
  z.strictObject({ action: z.literal('unmute') }),
  z.strictObject({ action: z.literal('remove') }),
  z.strictObject({ action: z.literal('ban') }),
  z.strictObject({ action: z.literal('unban') }),
  z.strictObject({ action: z.literal('approve') }),
  z.strictObject({ action: z.literal('decline') }),
  /** Owner only. */
  z.strictObject({ action: z.literal('set_role'), role: z.enum(['admin', 'member']) }),
]);
export type ModerateBody = z.infer<typeof ModerateBody>;

export const HistoryQuery = z.strictObject({
  /** Messages before this sequence (older); absent = the newest. */
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const ReadBody = z.strictObject({ seq: z.number().int().min(0) });

export const DropCouponBody = z.strictObject({ couponId: Id });

// ---------------------------------------------------------------- direct messages

export const DmStatus = z.enum(['open', 'request_sent', 'request_received', 'ignored']);
export type DmStatus = z.infer<typeof DmStatus>;

/**
 * The last message of a conversation as a list shows it: its kind, so each client words it in the
 * person's language ("Shared a product", "[商品]"), and its text when it has one.
 */
export const MessagePreview = z.object({
  kind: z.enum(['text', 'video', 'product', 'watch', 'card', 'room', 'image']),
  text: text(),
  /** True when I sent it. */
  mine: z.boolean(),
});
export type MessagePreview = z.infer<typeof MessagePreview>;

export const DmThread = z.object({
  peer: UserSummary,
  channel: text(),
  status: DmStatus,
  /** Messages I may still send before the other person accepts (requests only). */
  requestAllowance: z.number().int().nullable(),
  head: z.number().int(),
  lastReadSeq: z.number().int(),
  /** How far the other person has read: my messages up to it show "seen". */
  peerLastReadSeq: z.number().int(),
  unread: z.number().int(),
  lastMessageAt: text().nullable(),
  preview: MessagePreview.nullable(),
});
export type DmThread = z.infer<typeof DmThread>;
export const DmList = z.object({ items: z.array(DmThread) });

export const PeerParams = z.strictObject({
  handle: text()
    .min(3)
    .max(24)
    .regex(/^[a-z0-9_]+$/),
});

export const ChatImage = z.object({ url: text(), width: z.number().int(), height: z.number().int() });
