import type { ChannelEvent, MatchQueuePublish, ShakePublish } from '@tremolo/protocol';
import type { Calls } from './calls.ts';
import { channelOf, dedupe, optInRequired, type EndReason, type MatchDeps } from './context.ts';
import { restriction, type Eligibilities } from './eligibility.ts';
import type { QueueEntry } from './matcher.ts';
import { estimateShakeTime, type Shake } from './shake.ts';
import type { SkipCounts } from './skips.ts';
import type { MatchStore } from './store.ts';

type QueueDeps = Pick<MatchDeps, 'repo' | 'realtime' | 'limits' | 'options'> & {
  eligibility: Eligibilities;
  calls: Calls;
  store: MatchStore;
  /** Each person's skips of the last hour: shared by the nodes when Redis is configured. */
  skips: SkipCounts;
  /** This node's id, recorded beside whoever queues or shakes through it. */
  nodeId: string;
};

/**
 * The 连线 queue and the shake window, kept in a `MatchStore` (this process's memory, or Redis
 * shared by every node; see docs/architecture.md). A join pairs at once when it can
 * (`matcher.ts`); a 100 ms pass pairs people past their fallback, settles shakes (`shake.ts`) and
 * ends rings nobody answered. Skips count towards a cool-down.
 */
export class MatchQueue {
  private readonly timer: NodeJS.Timeout;
  private passing = false;
  private tickWaiters: ((now: number) => void)[] = [];
  /** Counters for the bench and metrics (this node's). */
  readonly stats = { joins: 0, matches: 0, shakes: 0, shakePairs: 0 };

  constructor(private readonly deps: QueueDeps) {
    this.timer = setInterval(() => {
      if (this.passing) return;
      this.passing = true;
      void this.tick()
        .catch(() => undefined)
        .finally(() => (this.passing = false));
    }, deps.options.tickMs);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** The person subscribed to their own channel (the lobby opened): their eligibility is loaded ahead of the first join. */
  opened(userId: string): void {
    this.deps.eligibility.warm(userId);
  }

  /** `match_queue` on my own channel: join, "next" (a skip) or leave. */
  async queue(userId: string, body: MatchQueuePublish): Promise<ChannelEvent> {
    const { calls, store } = this.deps;
    if (body.action === 'leave') {
      // Leaving always works; it still counts towards the hourly skips (not the per-minute limit).
      if (await calls.inCall(userId)) await this.countSkip(userId, false);
      await store.remove(userId);
      await calls.endOf(userId, 'left');
      return { kind: 'match_status', state: 'idle' };
    }
    const e = await this.deps.eligibility.of(userId);
    if (!e.optedIn) throw optInRequired();
    const restricted = restriction(e);
    if (restricted) throw restricted;
    if (await calls.inCall(userId)) {
      await this.countSkip(userId);
      const after = restriction(e);
      if (after) throw after;
      await calls.endOf(userId, 'next');
    }
    this.stats.joins++;
    const entry: QueueEntry = {
      userId,
      interests: body.interests ? dedupe(body.interests) : e.interests,
      languages: body.languages ? dedupe(body.languages) : e.languages,
      joinedAt: Date.now(),
      excluded: e.excluded,
      node: this.deps.nodeId,
    };
    const pair = await store.join(entry, entry.joinedAt);
    if (pair && (await this.startCall(pair.a, pair.b, 'random'))) return { kind: 'match_status', state: 'in_call' };
    return { kind: 'match_status', state: pair ? 'idle' : 'queued' };
  }

  /** `shake` on my own channel: into the shake window (out of the queue and any call). */
  async shake(userId: string, body: ShakePublish): Promise<ChannelEvent> {
    const e = await this.deps.eligibility.of(userId);
    const restricted = restriction(e);
    if (restricted) throw restricted;
    await this.deps.calls.endOf(userId, 'next');
    this.stats.shakes++;
    const s: Shake = { userId, at: estimateShakeTime(Date.now(), body.oneWayMs), excluded: e.excluded, node: this.deps.nodeId };
    if (body.lat !== undefined && body.lng !== undefined) {
      // Coarse: about a kilometre is all we keep.
      s.lat = Math.round(body.lat * 100) / 100;
      s.lng = Math.round(body.lng * 100) / 100;
    }
    await this.deps.store.shake(s);
    return { kind: 'match_status', state: 'shaking' };
  }

  /**
   * The person's last socket here closed or stopped listening: out of the queue if they queued
   * through this node, and their call ends.
   */
  async left(userId: string, id: string): Promise<void> {
    if (userId !== id) return;
    try {
      await this.deps.store.remove(userId, this.deps.nodeId);
      await this.deps.calls.endOf(userId, 'disconnected');
    } catch {
      // Redis unreachable: the entry goes with the node's sweep or the person's next join.
    }
  }

  /** Out of the queue, the shake window and any call (a ban, a cool-down). */
  async evict(userId: string, reason: EndReason): Promise<void> {
    this.deps.eligibility.forget(userId);
    await this.deps.store.remove(userId);
    await this.deps.calls.endOf(userId, reason, 'left');
  }

  /** A block or report: the two are never paired again, from now on (on every node). */
  async exclude(a: string, b: string): Promise<void> {
    this.deps.eligibility.exclude(a, b);
    await this.deps.store.exclude(a, b, Date.now());
  }

  async coolDown(userId: string, ms: number): Promise<void> {
    const until = new Date(Date.now() + ms);
    await this.deps.repo.setCooldown(userId, until);
    this.deps.eligibility.cooledDown(userId, until);
    await this.deps.store.remove(userId);
  }

  /** Whether this person is waiting or in a call (for tests and the bench). */
  async state(userId: string): Promise<'idle' | 'queued' | 'in_call'> {
    if (await this.deps.calls.inCall(userId)) return 'in_call';
    return (await this.deps.store.has(userId)) ? 'queued' : 'idle';
  }

  /** A dead node's people: out of the queue and the shake window, their calls end. */
  async sweepNode(nodeId: string): Promise<void> {
    await this.deps.store.sweepNode(nodeId);
    await this.deps.calls.sweepNode(nodeId);
  }

  /**
   * Resolves with the clock of the next pass over the queue, the shakes and the rings, once it
   * has run: what happens "after the fallback" or "after the ring time" is decided by a pass, so
   * waiting for the pass that saw the deadline go by is exact where a sleep is a guess.
   */
  ticked(): Promise<number> {
    return new Promise((resolve) => this.tickWaiters.push(resolve));
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    try {
      // Null when another node is running this pass.
      const r = await this.deps.store.pass(now);
      if (r) {
        for (const p of r.pairs) await this.startCall(p.a, p.b, 'random');
        for (const p of r.shakes.pairs) {
          this.stats.shakePairs++;
          await this.startCall(p.a, p.b, 'shake');
        }
        for (const s of r.shakes.unmatched)
          void this.deps.realtime.publish(channelOf(s.userId), { kind: 'shake_miss' }).catch(() => undefined);
      }
      await this.deps.calls.expireRings(now);
    } finally {
      const waiters = this.tickWaiters;
      this.tickWaiters = [];
      for (const w of waiters) w(now);
    }
  }

  private async startCall(
    a: { userId: string; node?: string | undefined },
    b: { userId: string; node?: string | undefined },
    source: 'random' | 'shake',
  ): Promise<boolean> {
    const nodes: [string, string] = [a.node ?? this.deps.nodeId, b.node ?? this.deps.nodeId];
    const ok = await this.deps.calls.start(a.userId, b.userId, source, nodes);
    if (ok) this.stats.matches++;
    return ok;
  }

  private async countSkip(userId: string, limited = true): Promise<void> {
    const { limits, options, skips } = this.deps;
    if (limited) await limits.consume('matchSkips', userId);
    if ((await skips.add(userId, Date.now())) >= options.skipsPerHourCooldown) {
      await skips.reset(userId);
      await this.coolDown(userId, options.skipCooldownMs);
    }
  }
}
