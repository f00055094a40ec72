import { AppError, forbidden } from '../../platform/errors.ts';
import type { RoomAccess } from './access.ts';
import { channelOf, type RoomsDeps } from './context.ts';
import type { PendingHearts } from './pending-hearts.ts';

const TICK_MS = 1000;

type LiveCountsDeps = Pick<RoomsDeps, 'repo' | 'realtime' | 'heartLimit' | 'log' | 'nodeId'> & {
  access: RoomAccess;
  /** Hearts accepted and not yet in the rows: in Redis when there are several nodes. */
  pending: PendingHearts;
};

/**
 * Viewers and hearts, broadcast at most once a second per room (per node) and unversioned. A
 * node counts a person present when their first socket there subscribes to `room:<id>` and
 * absent when the last one leaves; hearts are added up (`pending-hearts.ts`) and flushed into the
 * row by the same timer (started with the app, stopped by `close`), a dead node's by its sweeper.
 */
export class LiveCounts {
  /** People listening to `room:<id>` through this node. */
  private readonly local = new Map<string, Set<string>>();
  private readonly viewersDirty = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;

  constructor(private readonly deps: LiveCountsDeps) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.ticking) return;
      this.ticking = this.tick()
        .catch((err: unknown) => this.deps.log.warn({ err }, 'room: tick failed'))
        .finally(() => (this.ticking = null));
    }, TICK_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    await this.tick().catch(() => undefined);
  }

  /** A socket asks to listen: members who entered (and are not banned) may; the first one here makes them present. */
  async canSubscribe(userId: string, id: string): Promise<boolean> {
    const { repo } = this.deps;
    const [room, m] = await Promise.all([repo.room(id), repo.member(id, userId)]);
    if (!room || room.status === 'ended' || !m?.joined || m.bannedAt) return false;
    let here = this.local.get(id);
    if (!here) this.local.set(id, (here = new Set()));
    if (!here.has(userId)) {
      here.add(userId);
      await repo.addPresence(id, userId, this.deps.nodeId);
      this.viewersDirty.add(id);
    }
    return true;
  }

  /** The person's last socket here stopped listening. */
  left(userId: string, id: string): void {
    const here = this.local.get(id);
    if (!here?.delete(userId)) return;
    if (here.size === 0) this.local.delete(id);
    this.viewersDirty.add(id);
    void this.deps.repo
      .removePresence(id, userId, this.deps.nodeId)
      .catch((err: unknown) => this.deps.log.warn({ err }, 'room: presence not updated'));
  }

  /** Hearts are added up here and broadcast as one total per room at most once a second. */
  async hearts(userId: string, id: string, count: number): Promise<void> {
    const room = await this.deps.access.mustRoom(id);
    const m = await this.deps.repo.member(id, userId);
    if (!m?.joined) throw forbidden('Enter the room first');
    if (room.status !== 'live') throw new AppError('invalid_state', 'The room is not live');
    await this.deps.heartLimit.consume(`${id}:${userId}`, 'heart posts in this room');
    await this.deps.pending.add(id, count);
  }

  /** Hearts this node has not added to the row yet. */
  pendingHeartsOf(id: string): Promise<number> {
    return this.deps.pending.of(id);
  }

  /** The room ended: this node stops counting its listeners. */
  forget(id: string): void {
    this.local.delete(id);
  }

  /**
   * A node died: the people it hosted are no longer viewers (they count again when they reconnect
   * elsewhere), and the hearts it accepted but had not added yet are added here.
   */
  async sweepNode(nodeId: string): Promise<void> {
    for (const id of await this.deps.repo.dropNodePresence(nodeId)) await this.publishViewers(id);
    await this.addHearts(await this.deps.pending.take(nodeId));
  }

  /** Into the rows, one broadcast total per room; what a failure leaves unadded waits in this node's pending hearts. */
  private async addHearts(hearts: Map<string, number>): Promise<void> {
    const { repo, realtime, pending } = this.deps;
    const left = new Map(hearts);
    try {
      for (const [id, added] of hearts) {
        const total = await repo.addHearts(id, added);
        left.delete(id);
        await realtime.publish(channelOf(id), { kind: 'room_hearts', total, added });
      }
    } catch (err) {
      for (const [id, added] of left) await pending.add(id, added);
      throw err;
    }
  }

  private async publishViewers(id: string): Promise<void> {
    const viewers = await this.deps.repo.viewers(id);
    const peakViewers = await this.deps.repo.raisePeak(id, viewers);
    await this.deps.realtime.publish(channelOf(id), { kind: 'room_viewers', viewers, peakViewers });
  }

  private async tick(): Promise<void> {
    const dirty = [...this.viewersDirty];
    this.viewersDirty.clear();
    for (const id of dirty) await this.publishViewers(id);
    await this.addHearts(await this.deps.pending.take(this.deps.nodeId));
  }
}
