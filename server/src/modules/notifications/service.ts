import type { Badges, Notification, NotificationPayload } from '@tremolo/protocol';
import type { Db } from '../../platform/db/client.ts';
import { newId } from '../../platform/ids.ts';
import type { Realtime } from '../../platform/realtime/realtime.ts';
import { NotificationsRepo, type NotificationRow } from './repo.ts';

export interface NotificationsDeps {
  db: Db;
  realtime: Realtime;
}

/**
 * Counts a person's unread messages of one kind (direct messages, fan groups); the modules that own
 * them provide it (they depend on this one, not the reverse).
 */
type ChatCounter = (userId: string) => Promise<number>;
/** Hears each stored inbox item (web push sends it to the person's devices). */
export type NotifiedListener = (userId: string, n: Notification) => Promise<void>;
/** Hears a person reading inbox items: up to an id, the listed ids, or all (web push clears them on every device). */
export type ReadListener = (userId: string, read: { upTo: string | undefined; ids: string[] | undefined }) => Promise<void>;

/**
 * The inbox: stored first, then pushed live on the person's `user:<id>` channel. It also owns the
 * Messages tab counts (`badges`): computed from the server's read state and pushed to every session
 * of the person whenever it changes, so all their tabs and devices show the same numbers.
 */
export class NotificationsService {
  private readonly repo: NotificationsRepo;
  private readonly chats: ChatCounter[] = [];
  private readonly notified: NotifiedListener[] = [];
  private readonly read: ReadListener[] = [];

  constructor(private readonly deps: NotificationsDeps) {
    const { db } = deps;
    this.repo = new NotificationsRepo(db);
  }

  /** Empties a deleted account's inbox. */
  forget(userId: string): Promise<void> {
    return this.repo.deleteAllOf(userId);
  }

  async notify(userId: string, payload: NotificationPayload): Promise<Notification> {
    const n = toDto(await this.repo.insert(newId(), userId, payload));
    const unread = await this.repo.unread(userId);
    await this.deps.realtime.publish(
      `user:${userId}`,
      { kind: 'notification', notification: n, unread },
      { clientId: `notification:${n.id}` },
    );
    await this.publishBadges(userId);
    for (const l of this.notified) await l(userId, n);
    return n;
  }

  /** Adds a kind of chat to the Chats count (the count is their sum). */
  countChatsWith(counter: ChatCounter): void {
    this.chats.push(counter);
  }

  async badges(userId: string): Promise<Badges> {
    const [notifications, ...perKind] = await Promise.all([this.repo.unread(userId), ...this.chats.map((c) => c(userId))]);
    return { notifications, chats: perKind.reduce((a, b) => a + b, 0) };
  }

  /** Tells every session of the person their current counts (after anything that may change them). */
  async publishBadges(userId: string): Promise<void> {
    await this.deps.realtime.publish(`user:${userId}`, { kind: 'badges', ...(await this.badges(userId)) });
  }

  onNotified(listener: NotifiedListener): void {
    this.notified.push(listener);
  }

  onRead(listener: ReadListener): void {
    this.read.push(listener);
  }

  /** Whether an inbox item is still unread (a push waiting to go out for a read one is dropped). */
  async isUnread(userId: string, id: string): Promise<boolean> {
    return this.repo.isUnread(userId, id);
  }

  async list(userId: string, cursor: string | undefined, limit: number) {
    const rows = await this.repo.page(userId, cursor, limit);
    const page = rows.slice(0, limit);
    return { items: page.map(toDto), nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
  }

  unread(userId: string): Promise<number> {
    return this.repo.unread(userId);
  }

  async markRead(userId: string, upTo: string | undefined, ids: string[] | undefined): Promise<void> {
    if ((await this.repo.markRead(userId, upTo, ids)) === 0) return;
    await this.publishBadges(userId);
    for (const l of this.read) await l(userId, { upTo, ids });
  }
}

function toDto(r: NotificationRow): Notification {
  return { id: r.id, payload: r.payload, read: r.readAt !== null, createdAt: r.createdAt.toISOString() };
}
