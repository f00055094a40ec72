import { z } from 'zod';
import { Handle, Id, knownOnly, text, WELL_FORMED_TEXT, WELL_FORMED_TEXT_MESSAGE } from './common.ts';
import { ProductCard } from './shop.ts';
import { StoreScore } from './reviews.ts';

export const Password = text().min(8, 'at least 8 characters').max(200);
export const DisplayName = text().trim().min(1).max(40);
export const Locale = z.enum(['zh-CN', 'en']);
export type Locale = z.infer<typeof Locale>;

export const SignupBody = z.strictObject({
  handle: Handle,
  displayName: DisplayName,
  password: Password,
});
export type SignupBody = z.infer<typeof SignupBody>;

export const LoginBody = z.strictObject({
  handle: text().min(1).max(24),
  password: text().min(1).max(200),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const ChangePasswordBody = z.strictObject({
  currentPassword: text().min(1).max(200),
  newPassword: Password,
});

export const ProfileLink = z.strictObject({
  label: text().trim().min(1).max(30),
  url: z
    .url({ protocol: /^https?$/ })
    .max(300)
    .regex(WELL_FORMED_TEXT, WELL_FORMED_TEXT_MESSAGE),
});

export const UpdateProfileBody = z.strictObject({
  displayName: DisplayName.optional(),
  bio: text().max(280).optional(),
  links: z.array(ProfileLink).max(5).optional(),
  locale: Locale.optional(),
  /** Whether search may find me (people results and suggestions); my public videos stay searchable by their words. */
  discoverable: z.boolean().optional(),
});
export type UpdateProfileBody = z.infer<typeof UpdateProfileBody>;

export const UserSummary = z.object({
  id: Id,
  handle: text(),
  displayName: text(),
  avatarUrl: text().nullable(),
  /** The account was deleted: show "deleted user", not the handle (which is a placeholder). */
  deleted: z.boolean().optional(),
});
export type UserSummary = z.infer<typeof UserSummary>;

/** Up to 100 distinct ids, comma-separated. */
export const PeopleQuery = z.strictObject({
  ids: text()
    .max(3800)
    .transform((s) => [...new Set(s.split(',').filter(Boolean))])
    .pipe(z.array(z.uuid()).min(1).max(100)),
});

export const People = z.object({ items: z.array(UserSummary) });

export const Me = UserSummary.extend({
  bio: text(),
  links: z.array(ProfileLink),
  locale: Locale.nullable(),
  /** Search may find me (the privacy setting "discoverable by search"). */
  discoverable: z.boolean(),
  createdAt: text(),
  /** When my account is to be deleted (I asked for it and the grace period runs); logging in offers to cancel. */
  deletionDueAt: text().nullable().optional(),
});
export type Me = z.infer<typeof Me>;

export const SessionInfo = z.object({ user: Me, csrfToken: text() });
export type SessionInfo = z.infer<typeof SessionInfo>;

/** How the viewer relates to the profile owner; drives the buttons on a card. */
export const Relationship = z.object({
  self: z.boolean(),
  following: z.boolean(),
  followedBy: z.boolean(),
  friends: z.boolean(),
  blocking: z.boolean(),
  blockedBy: z.boolean(),
});
export type Relationship = z.infer<typeof Relationship>;

export const GraphCounts = z.object({
  followers: z.number().int(),
  following: z.number().int(),
  friends: z.number().int(),
});

/**
 * Why a person may not join a fan group right now, so the screen can say what to do about it
 * (follow the creator, earn a fan level, ask for an invite) instead of a bare refusal.
 */
export const JoinBlock = z.enum(['follow', 'fan_level', 'invite', 'full', 'banned', 'blocked']);
export type JoinBlock = z.infer<typeof JoinBlock>;

/**
 * A personal card (个人名片). `sections` is the slot later features fill
 * (shop showcase, fan group, live now); each section is a tagged union member.
 */
export const CardSection = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('links'), links: z.array(ProfileLink) }),
  /** The shop showcase (橱窗): a few published products as embeddable product cards. */
  z.object({ kind: z.literal('showcase'), products: z.array(ProductCard), total: z.number().int(), score: StoreScore.nullable() }),
  /** The creator's fan groups (粉丝群), with the viewer's membership. */
  z.object({
    kind: z.literal('fan_groups'),
    groups: z.array(
      z.object({
        id: z.uuid(),
        name: text(),
        members: z.number().int(),
        capacity: z.number().int(),
        joinRule: z.enum(['anyone', 'followers', 'fan_level', 'invite', 'approval']),
        status: z.enum(['member', 'pending', 'banned', 'none']),
        minFanLevel: z.number().int().nullable().optional(),
        /** For a viewer who is not in: what stops them joining, if anything. */
        joinBlocked: JoinBlock.nullable().optional(),
      }),
    ),
    /** The viewer's fan level with this creator (null for a visitor or the creator). */
    fanLevel: z.number().int().nullable().optional(),
  }),
  /** A friends chat room the owner hosts that is live now (or scheduled) and the viewer may enter. */
  z.object({
    kind: z.literal('live_room'),
    room: z.object({
      id: z.uuid(),
      title: text(),
      coverUrl: text().nullable(),
      status: z.enum(['scheduled', 'live']),
      viewers: z.number().int(),
      scheduledAt: text().nullable(),
      startedAt: text().nullable(),
      /** 预约 of a scheduled room: how many reserved, and whether the viewer did. */
      reservations: z.number().int(),
      reserved: z.boolean(),
    }),
  }),
  /** The owner's ended rooms with a recording (回放) the viewer may watch, newest first. */
  z.object({
    kind: z.literal('room_replays'),
    rooms: z.array(
      z.object({
        id: z.uuid(),
        title: text(),
        coverUrl: text().nullable(),
        durationSec: z.number().min(0),
        endedAt: text(),
      }),
    ),
  }),
]);
export type CardSection = z.infer<typeof CardSection>;

export const Card = z.object({
  user: UserSummary.extend({ bio: text() }),
  counts: GraphCounts,
  relationship: Relationship.nullable(),
  /** Absolute URL of the card page: what the QR code encodes. */
  url: text(),
  /** Parts hidden from a blocked viewer are simply absent; kinds this version does not know yet are dropped. */
  sections: knownOnly(CardSection),
});
export type Card = z.infer<typeof Card>;
