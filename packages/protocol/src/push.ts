import { z } from 'zod';
import { Id, text } from './common.ts';

/** The kinds of push a person switches on or off, each covering some inbox kinds. */
export const PushKind = z.enum(['messages', 'lives', 'stage', 'orders', 'coupons']);
export type PushKind = z.infer<typeof PushKind>;

/** A person's push switches, the same on every device they turned push on for. */
export const PushPrefs = z.object({
  /** DMs, message requests and @mentions in groups. */
  messages: z.boolean(),
  /** Creators I follow going live (and their reserved lives starting). */
  lives: z.boolean(),
  /** A host inviting me on stage. */
  stage: z.boolean(),
  /** My orders (paid, shipped, refunds) and, as a seller, orders and low stock. */
  orders: z.boolean(),
  /** Coupon drops in fan groups I am in. */
  coupons: z.boolean(),
});
export type PushPrefs = z.infer<typeof PushPrefs>;

export const PushPrefsBody = PushPrefs.partial().strict();

export const PushLanguage = z.enum(['en', 'zh-CN']);

/** A push service's URL for one browser (where the server POSTs that browser's messages). */
const Endpoint = text()
  .max(2048)
  .refine((s) => URL.canParse(s), 'must be a URL');

/** A browser's push subscription (`PushSubscription.toJSON()`), plus the language its notifications are written in. */
export const PushSubscribeBody = z.strictObject({
  endpoint: Endpoint,
  keys: z.strictObject({
    p256dh: z.base64url().max(200),
    auth: z.base64url().max(100),
  }),
  lang: PushLanguage,
});

export const PushDevice = z.object({
  /** This browser's id for the `focus` frame. */
  id: Id,
});

export const PushUnsubscribeBody = z.strictObject({ endpoint: Endpoint });

export const PushKey = z.object({
  /** The VAPID public key (base64url), the `applicationServerKey` of `pushManager.subscribe`. */
  publicKey: text(),
});

/**
 * What the service worker receives in a push. `show` is a notification to display (`tag` is the
 * inbox item's id, so a repeat replaces it); `clear` closes the notifications read elsewhere
 * (those named in `tags`, else those with a tag up to `upTo`, or all of them).
 */
export const PushMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('show'),
    tag: text(),
    title: text(),
    body: text(),
    /** Where a tap on it takes the person (a path of the app). */
    url: text(),
    kind: PushKind,
  }),
  /** `tags`, when given, names exactly which to close (items read one by one, a conversation read). */
  z.object({ type: z.literal('clear'), upTo: text().nullable(), tags: z.array(text()).optional() }),
]);
export type PushMessage = z.infer<typeof PushMessage>;
