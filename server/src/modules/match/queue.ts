import type { ChannelEvent, MatchQueuePublish, ShakePublish } from '@tremolo/protocol';
import type { Calls } from './calls.ts';
import { channelOf, dedupe, optInRequired, type EndReason, type MatchDeps } from './context.ts';
import { restriction, type Eligibilities } from './eligibility.ts';
import { Matcher, type QueueEntry } from './matcher.ts';
import { ShakePairer, estimateShakeTime, type Shake } from './shake.ts';

type QueueDeps = Pick<MatchDeps, 'repo' | 'realtime' | 'limits' | 'options'> & { eligibility: Eligibilities; calls: Calls };

/**
 * The 连线 queue and the shake window, in this process's memory (one designated matching node;
 * see docs/architecture.md). A join pairs at once when it can (`matcher.ts`); a 100 ms pass pairs
 * people past their fallback, settles shakes (`shake.ts`) and ends rings nobody answered. Skips
 * count towards a cool-down.
 */
export class MatchQueue {
  private readonly matcher: Matcher;
  private readonly shakes: ShakePairer;
  private readonly skips = new Map<string, number[]>();
  private readonly timer: NodeJS.Timeout;
  private tickWaiters: ((now: number) => void)[] = [];
  /** Counters for the bench and metrics. */
  readonly stats = { joins: 0, matches: 0, shakes: 0, shakePairs: 0 };

  constructor(private readonly deps: QueueDeps) {
    const { options } = deps;
    this.matcher = new Matcher({ fallbackMs: options.fallbackMs, recentMs: options.recentMs });
    this.shakes = new ShakePairer({ windowMs: options.shakeWindowMs });
    this.timer = setInterval(() => this.tick(), options.tickMs);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** `match_queue` on my own channel: join, "next" (a skip) or leave. */
  async queue(userId: string, body: MatchQueuePublish): Promise<ChannelEvent> {
    const { calls } = this.deps;
    if (body.action === 'leave') {
      // Leaving always works; it still counts towards the hourly skips (not the per-minute limit).
      if (calls.inCall(userId)) await this.countSkip(userId, false);
      this.matcher.remove(userId);
      calls.endOf(userId, 'left');
      return { kind: 'match_status', state: 'idle' };
    }
    const e = await this.deps.eligibility.of(userId);
    if (!e.optedIn) throw optInRequired();
    const restricted = restriction(e);
    if (restricted) throw restricted;
    if (calls.inCall(userId)) {
      await this.countSkip(userId);
      const after = restriction(e);
      if (after) throw after;
      calls.endOf(userId, 'next');
    }
    this.stats.joins++;
    const entry: QueueEntry = {
      userId,
      interests: body.interests ? dedupe(body.interests) : e.interests,
      languages: body.languages ? dedupe(body.languages) : e.languages,
      joinedAt: Date.now(),
      excluded: e.excluded,
    };
    this.shakes.remove(userId);
    const pair = this.matcher.join(entry, entry.joinedAt);
    if (pair) {
      this.startCall(pair.a.userId, pair.b.userId, 'random');
      return { kind: 'match_status', state: 'in_call' };
    }
    return { kind: 'match_status', state: 'queued' };
  }

  /** `shake` on my own channel: into the shake window (out of the queue and any call). */
  async shake(userId: string, body: ShakePublish): Promise<ChannelEvent> {
    const e = await this.deps.eligibility.of(userId);
    const restricted = restriction(e);
    if (restricted) throw restricted;
    if (this.deps.calls.inCall(userId)) this.deps.calls.endOf(userId, 'next');
    this.matcher.remove(userId);
    this.stats.shakes++;
    const s: Shake = { userId, at: estimateShakeTime(Date.now(), body.oneWayMs), excluded: e.excluded };
    if (body.lat !== undefined && body.lng !== undefined) {
      // Coarse: about a kilometre is all we keep.
      s.lat = Math.round(body.lat * 100) / 100;
      s.lng = Math.round(body.lng * 100) / 100;
    }
    this.shakes.add(s);
    return { kind: 'match_status', state: 'shaking' };
  }

  /** The person's last socket here closed or stopped listening: out of the queue, their call ends. */
  left(userId: string, id: string): void {
    if (userId !== id) return;
    this.matcher.remove(userId);
    this.shakes.remove(userId);
    this.deps.calls.endOf(userId, 'disconnected');
  }

  /** Out of the queue, the shake window and any call (a ban, a cool-down). */
  evict(userId: string, reason: EndReason): void {
    this.matcher.remove(userId);
    this.shakes.remove(userId);
    this.deps.eligibility.forget(userId);
    this.deps.calls.endOf(userId, reason, 'left');
  }

  /** A block or report: the two are never paired again, from now on. */
  exclude(a: string, b: string): void {
    this.matcher.exclude(a, b);
    this.deps.eligibility.exclude(a, b);
  }

  async coolDown(userId: string, ms: number): Promise<void> {
    const until = new Date(Date.now() + ms);
    await this.deps.repo.setCooldown(userId, until);
    this.deps.eligibility.cooledDown(userId, until);
    this.matcher.remove(userId);
  }

  /** Whether this person is waiting or in a call (for tests and the bench). */
  state(userId: string): 'idle' | 'queued' | 'in_call' {
    return this.deps.calls.inCall(userId) ? 'in_call' : this.matcher.has(userId) ? 'queued' : 'idle';
  }

  /**
   * Resolves with the clock of the next pass over the queue, the shakes and the rings, once it
   * has run: what happens "after the fallback" or "after the ring time" is decided by a pass, so
   * waiting for the pass that saw the deadline go by is exact where a sleep is a guess.
   */
  ticked(): Promise<number> {
    return new Promise((resolve) => this.tickWaiters.push(resolve));
  }

  private tick(): void {
    const now = Date.now();
    for (const p of this.matcher.tick(now)) this.startCall(p.a.userId, p.b.userId, 'random');
    const settled = this.shakes.settle(now);
    for (const p of settled.pairs) {
      this.stats.shakePairs++;
      this.startCall(p.a.userId, p.b.userId, 'shake');
    }
    for (const s of settled.unmatched) void this.deps.realtime.publish(channelOf(s.userId), { kind: 'shake_miss' }).catch(() => undefined);
    this.deps.calls.expireRings(now);
    const waiters = this.tickWaiters;
    this.tickWaiters = [];
    for (const w of waiters) w(now);
  }

  private startCall(a: string, b: string, source: 'random' | 'shake'): void {
    if (this.deps.calls.start(a, b, source)) this.stats.matches++;
  }

  private async countSkip(userId: string, limited = true): Promise<void> {
    const { limits, options } = this.deps;
    if (limited) await limits.consume('matchSkips', userId);
    const now = Date.now();
    const list = (this.skips.get(userId) ?? []).filter((t) => now - t < 3_600_000);
    list.push(now);
    this.skips.set(userId, list);
    if (list.length >= options.skipsPerHourCooldown) {
      this.skips.delete(userId);
      await this.coolDown(userId, options.skipCooldownMs);
    }
  }
}
