import { and, count, desc, eq, inArray, isNull, lt, lte } from 'drizzle-orm';
import type { NotificationPayload } from '@tremolo/protocol';
import type { Queryable } from '../../platform/db/client.ts';
import { notifications } from './tables.ts';

export type NotificationRow = typeof notifications.$inferSelect;

export class NotificationsRepo {
  constructor(private readonly db: Queryable) {}

  /** A deleted account's inbox goes with it. */
  async deleteAllOf(userId: string): Promise<void> {
    await this.db.delete(notifications).where(eq(notifications.userId, userId));
  }

  async insert(id: string, userId: string, payload: NotificationPayload): Promise<NotificationRow> {
    const [r] = await this.db.insert(notifications).values({ id, userId, payload }).returning();
    return r!;
  }

  async page(userId: string, cursor: string | undefined, limit: number): Promise<NotificationRow[]> {
    return this.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, userId), cursor ? lt(notifications.id, cursor) : undefined))
      .orderBy(desc(notifications.id))
      .limit(limit + 1);
  }

  async unread(userId: string): Promise<number> {
    const [r] = await this.db
      .select({ n: count() })
      .from(notifications)
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
    return r!.n;
  }

  async isUnread(userId: string, id: string): Promise<boolean> {
    const [r] = await this.db
      .select({ id: notifications.id })
      .from(notifications)
      .where(and(eq(notifications.userId, userId), eq(notifications.id, id), isNull(notifications.readAt)));
    return r !== undefined;
  }

  /** Only my own unread items: someone else's ids in the list change nothing. */
  async markRead(userId: string, upTo: string | undefined, ids: string[] | undefined): Promise<number> {
    const changed = await this.db
      .update(notifications)
      .set({ readAt: new Date() })
      .where(
        and(
          eq(notifications.userId, userId),
          isNull(notifications.readAt),
          upTo ? lte(notifications.id, upTo) : undefined,
          ids ? inArray(notifications.id, ids) : undefined,
        ),
      )
      .returning({ id: notifications.id });
    return changed.length;
  }
}
