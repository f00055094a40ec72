import type { UserSummary } from '@tremolo/protocol';
import { AppError, notFound } from '../../platform/errors.ts';
import { Coalescer } from '../../platform/coalesce.ts';
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

/** A change to a person's eligibility: applied to the cached one, and to one being loaded when it lands. */
type Patch = (e: Eligibility) => void;

/**
 * A person's opt-in, ban, cool-down, picks and exclusion set (blocked or reported either way),
 * cached for `cacheMs` between joins; blocks, reports, cool-downs and new picks update the cache
 * at once (and a load that was under way when they happened).
 *
 * Loading is batched (`Coalescer`): a round starts at once while fewer than `rounds` are out, else whoever is
 * asked for waits for the next round, which asks about all of them at once (one query on 连线's
 * own tables, one for blocks, one for the cards), so a burst of arrivals costs a few queries per
 * round, not five per person.
 * Opening one's own `match:` channel warms the cache (`warm`), so the first join finds it loaded.
 */
export class Eligibilities {
  private readonly cache = new Map<string, Eligibility>();
  /** Asked for and not loaded yet (waiting for a round, or in one that is out): one promise per person. */
  private readonly pending = new Map<string, Promise<Eligibility>>();
  /** Changes made while a person's load was pending; `null` once forgotten (the load is not cached). */
  private readonly late = new Map<string, Patch[] | null>();
  private readonly loads: Coalescer<string, Eligibility>;

  constructor(
    private readonly deps: EligibilityDeps,
    rounds = ROUNDS,
  ) {
    this.loads = new Coalescer((ids) => this.fetch(ids), { rounds, max: BATCH_MAX });
  }

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
    const settled = () => {
      const late = this.late.get(userId);
      this.late.delete(userId);
      this.pending.delete(userId);
      return late;
    };
    const p = this.loads.get(userId).then(
      (e) => {
        const late = settled();
        if (!e) throw notFound('User');
        if (late !== null) {
          for (const fn of late ?? []) fn(e);
          this.cache.set(userId, e);
        }
        return e;
      },
      (err: unknown) => {
        settled();
        throw err;
      },
    );
    this.pending.set(userId, p);
    return p;
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
