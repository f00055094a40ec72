import type { UserSummary } from '@tremolo/protocol';
import { AppError, notFound } from '../../platform/errors.ts';
import type { MatchDeps } from './context.ts';

export interface Eligibility {
  at: number;
  optedIn: boolean;
  banned: boolean;
  cooldownUntil: number | null;
  interests: string[];
  languages: string[];
  excluded: Set<string>;
  summary: UserSummary;
}

type EligibilityDeps = Pick<MatchDeps, 'repo' | 'graph' | 'accounts' | 'options'>;

/** The most people one round of eligibility queries asks about. */
const BATCH_MAX = 500;
/**
 * Rounds out at once, by default: a lone join starts its round at once, and a slow round (a busy
 * database) does not hold up the people asked for after it while the pool has connections to spare.
 */
const ROUNDS = 4;

interface Waiter {
  resolve(e: Eligibility): void;
  reject(err: unknown): void;
}

/** A change to a person's eligibility: applied to the cached one, and to one being loaded when it lands. */
type Patch = (e: Eligibility) => void;

/**
 * A person's opt-in, ban, cool-down, picks and exclusion set (blocked or reported either way),
 * cached for `cacheMs` between joins; blocks, reports, cool-downs and new picks update the cache
 * at once (and a load that was under way when they happened).
 *
 * Loading is batched: a round starts at once while fewer than `rounds` are out, else whoever is
 * asked for waits for the next round, which asks about all of them at once (one query on 连线's
 * own tables, one for blocks, one for the cards), so a burst of arrivals costs a few queries per
 * round, not five per person.
 * Opening one's own `match:` channel warms the cache (`warm`), so the first join finds it loaded.
 */
export class Eligibilities {
  private readonly cache = new Map<string, Eligibility>();
  /** Asked for and not loaded yet (waiting for a round, or in the one out): one promise per person. */
  private readonly pending = new Map<string, Promise<Eligibility>>();
  /** Waiting for the next round. */
  private readonly waiters = new Map<string, Waiter>();
  /** Changes made while a person's load was pending; `null` once forgotten (the load is not cached). */
  private readonly late = new Map<string, Patch[] | null>();
  private out = 0;

  constructor(
    private readonly deps: EligibilityDeps,
    private readonly rounds = ROUNDS,
  ) {}

  async of(userId: string): Promise<Eligibility> {
    const hit = this.cache.get(userId);
    if (hit && Date.now() - hit.at < this.deps.options.cacheMs) return hit;
    return this.load(userId);
  }

  /** Loads a person's eligibility ahead of their first join (they opened 连线); errors are left for the join. */
  warm(userId: string): void {
    const hit = this.cache.get(userId);
    if (hit && Date.now() - hit.at < this.deps.options.cacheMs / 2) return;
    void this.load(userId).catch(() => undefined);
  }

  forget(userId: string): void {
    this.cache.delete(userId);
    if (this.pending.has(userId)) this.late.set(userId, null);
  }

  picked(userId: string, interests: string[], languages: string[]): void {
    this.patch(userId, (e) => {
      e.interests = interests;
      e.languages = languages;
    });
  }

  cooledDown(userId: string, until: Date): void {
    this.patch(userId, (e) => (e.cooldownUntil = until.getTime()));
  }

  exclude(a: string, b: string): void {
    this.patch(a, (e) => e.excluded.add(b));
    this.patch(b, (e) => e.excluded.add(a));
  }

  private patch(userId: string, fn: Patch): void {
    const cached = this.cache.get(userId);
    if (cached) fn(cached);
    if (!this.pending.has(userId)) return;
    const list = this.late.get(userId);
    if (list === null) return;
    if (list) list.push(fn);
    else this.late.set(userId, [fn]);
  }

  private load(userId: string): Promise<Eligibility> {
    const pending = this.pending.get(userId);
    if (pending) return pending;
    const p = new Promise<Eligibility>((resolve, reject) => this.waiters.set(userId, { resolve, reject }));
    this.pending.set(userId, p);
    this.flush();
    return p;
  }

  /** Starts rounds while people wait and fewer than `rounds` are out; the rest gather for the next. */
  private flush(): void {
    while (this.out < this.rounds && this.waiters.size) {
      const batch: [string, Waiter][] = [];
      for (const w of this.waiters) {
        batch.push(w);
        if (batch.length === BATCH_MAX) break;
      }
      for (const [id] of batch) this.waiters.delete(id);
      this.out++;
      void this.round(batch).finally(() => {
        this.out--;
        this.flush();
      });
    }
  }

  private async round(batch: [string, Waiter][]): Promise<void> {
    let loaded: Map<string, Eligibility> | null = null;
    let failure: unknown = null;
    try {
      loaded = await this.fetch(batch.map(([id]) => id));
    } catch (err) {
      failure = err;
    }
    for (const [id, w] of batch) {
      const late = this.late.get(id);
      this.late.delete(id);
      this.pending.delete(id);
      const e = loaded?.get(id);
      if (!e) {
        w.reject(failure ?? notFound('User'));
        continue;
      }
      if (late !== null) {
        for (const fn of late ?? []) fn(e);
        this.cache.set(id, e);
      }
      w.resolve(e);
    }
  }

  /** One round: 连线's own tables, blocks and the cards, each one query for everyone in `ids`. */
  private async fetch(ids: string[]): Promise<Map<string, Eligibility>> {
    const { repo, graph, accounts } = this.deps;
    const [rows, blocked, summaries] = await Promise.all([
      repo.eligibilityOf(ids),
      graph.blockedEitherWayAmong(ids),
      accounts.summaries(ids),
    ]);
    const at = Date.now();
    const out = new Map<string, Eligibility>();
    for (const id of ids) {
      const r = rows.get(id);
      const summary = summaries.get(id);
      if (!r || !summary) continue;
      out.set(id, {
        at,
        optedIn: r.optedIn,
        banned: r.banned,
        cooldownUntil: r.cooldownUntil,
        interests: r.interests,
        languages: r.languages,
        excluded: new Set([...(blocked.get(id) ?? []), ...r.reported]),
        summary,
      });
    }
    return out;
  }
}

/** Why this person may not queue or shake now, if they may not. */
export function restriction(e: Eligibility): AppError | null {
  if (e.banned) return new AppError('forbidden', 'You may not use 连线: your account was banned from it');
  if (e.cooldownUntil && e.cooldownUntil > Date.now())
    return new AppError('rate_limited', `Take a break: you can queue again after ${new Date(e.cooldownUntil).toISOString()}`);
  return null;
}
