import type { Notification, NotificationPayload } from '@tremolo/protocol';
import type { Db } from '../../platform/db/client.ts';
import { newId } from '../../platform/ids.ts';
import type { Realtime } from '../../platform/realtime/realtime.ts';
import { NotificationsRepo, type NotificationRow } from './repo.ts';

export interface NotificationsDeps {
  db: Db;
  realtime: Realtime;
}

/** The inbox: stored first, then pushed live on the person's `user:<id>` channel. */
export class NotificationsService {
  private readonly repo: NotificationsRepo;

  constructor(private readonly deps: NotificationsDeps) {
    const { db } = deps;
    this.repo = new NotificationsRepo(db);
  }

  async notify(userId: string, payload: NotificationPayload): Promise<Notification> {
    const n = toDto(await this.repo.insert(newId(), userId, payload));
    const unread = await this.repo.unread(userId);
    await this.deps.realtime.publish(
      `user:${userId}`,
      { kind: 'notification', notification: n, unread },
      { clientId: `notification:${n.id}` },
    );
    return n;
  }

  async list(userId: string, cursor: string | undefined, limit: number) {
    const rows = await this.repo.page(userId, cursor, limit);
    const page = rows.slice(0, limit);
    return { items: page.map(toDto), nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
  }

  unread(userId: string): Promise<number> {
    return this.repo.unread(userId);
  }

  markRead(userId: string, upTo: string | undefined): Promise<void> {
    return this.repo.markRead(userId, upTo);
  }
}

function toDto(r: NotificationRow): Notification {
  return { id: r.id, payload: r.payload, read: r.readAt !== null, createdAt: r.createdAt.toISOString() };
}
