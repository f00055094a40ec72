import { and, count, desc, eq, isNull, lt, lte } from 'drizzle-orm';
import type { NotificationPayload } from '@tremolo/protocol';
import type { Queryable } from '../../platform/db/client.ts';
import { notifications } from './tables.ts';

export type NotificationRow = typeof notifications.$inferSelect;

export class NotificationsRepo {
  constructor(private readonly db: Queryable) {}

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

  async markRead(userId: string, upTo: string | undefined): Promise<void> {
    await this.db
      .update(notifications)
      .set({ readAt: new Date() })
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt), upTo ? lte(notifications.id, upTo) : undefined));
  }
}
