import { and, eq, inArray, ne } from 'drizzle-orm';
import type { PushPrefs } from '@tremolo/protocol';
import type { Queryable } from '../../platform/db/client.ts';
import { pushPrefs, pushSubscriptions, pushVapidKeys } from './tables.ts';

export type SubscriptionRow = typeof pushSubscriptions.$inferSelect;

const ALL_ON: PushPrefs = { messages: true, lives: true, stage: true, orders: true, coupons: true };

export class PushRepo {
  constructor(private readonly db: Queryable) {}

  /** The stored key pair, or this one stored if there was none (the first node to start wins). */
  async vapidKeys(candidate: { publicKey: string; privateKey: string }): Promise<{ publicKey: string; privateKey: string }> {
    await this.db
      .insert(pushVapidKeys)
      .values({ id: 1, ...candidate })
      .onConflictDoNothing();
    const [r] = await this.db.select().from(pushVapidKeys).where(eq(pushVapidKeys.id, 1));
    return { publicKey: r!.publicKey, privateKey: r!.privateKey };
  }

  /** A browser's endpoint belongs to whoever subscribed it last (the person now logged in there). */
  async upsertSubscription(row: {
    id: string;
    userId: string;
    endpoint: string;
    p256dh: string;
    auth: string;
    lang: string;
  }): Promise<string> {
    const [r] = await this.db
      .insert(pushSubscriptions)
      .values(row)
      .onConflictDoUpdate({
        target: pushSubscriptions.endpoint,
        set: { userId: row.userId, p256dh: row.p256dh, auth: row.auth, lang: row.lang },
      })
      .returning({ id: pushSubscriptions.id });
    return r!.id;
  }

  async removeSubscription(userId: string, endpoint: string): Promise<void> {
    await this.db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)));
  }

  /** A deleted account's browsers get nothing more. */
  async removeAllOf(userId: string): Promise<void> {
    await this.db.delete(pushSubscriptions).where(eq(pushSubscriptions.userId, userId));
  }

  /** The push service said this endpoint is gone (404/410). */
  async dropSubscription(id: string): Promise<void> {
    await this.db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, id));
  }

  subscriptionsOf(userIds: string[], except?: string): Promise<SubscriptionRow[]> {
    if (userIds.length === 0) return Promise.resolve([]);
    return this.db
      .select()
      .from(pushSubscriptions)
      .where(and(inArray(pushSubscriptions.userId, userIds), except ? ne(pushSubscriptions.userId, except) : undefined));
  }

  async prefs(userId: string): Promise<PushPrefs> {
    return (await this.prefsOf([userId])).get(userId) ?? ALL_ON;
  }

  async prefsOf(userIds: string[]): Promise<Map<string, PushPrefs>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.db.select().from(pushPrefs).where(inArray(pushPrefs.userId, userIds));
    return new Map(
      rows.map((r) => [r.userId, { messages: r.messages, lives: r.lives, stage: r.stage, orders: r.orders, coupons: r.coupons }]),
    );
  }

  async setPrefs(userId: string, prefs: PushPrefs): Promise<void> {
    await this.db
      .insert(pushPrefs)
      .values({ userId, ...prefs })
      .onConflictDoUpdate({ target: pushPrefs.userId, set: { ...prefs, updatedAt: new Date() } });
  }
}
