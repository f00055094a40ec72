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

/**
 * A person's opt-in, ban, cool-down, picks and exclusion set (blocked or reported either way),
 * cached for `cacheMs` between joins; blocks, reports, cool-downs and new picks update the cache
 * at once.
 */
export class Eligibilities {
  private readonly cache = new Map<string, Eligibility>();

  constructor(private readonly deps: EligibilityDeps) {}

  async of(userId: string): Promise<Eligibility> {
    const { repo, graph, accounts, options } = this.deps;
    const hit = this.cache.get(userId);
    if (hit && Date.now() - hit.at < options.cacheMs) return hit;
    const [p, banned, blocked, reported, summaries] = await Promise.all([
      repo.profile(userId),
      repo.isBanned(userId),
      graph.blockedEitherWayIds(userId),
      repo.reportedEitherWay(userId),
      accounts.summaries([userId]),
    ]);
    const summary = summaries.get(userId);
    if (!summary) throw notFound('User');
    const e: Eligibility = {
      at: Date.now(),
      optedIn: !!p,
      banned,
      cooldownUntil: p?.cooldownUntil?.getTime() ?? null,
      interests: p?.interests ?? [],
      languages: p?.languages ?? [],
      excluded: new Set([...blocked, ...reported]),
      summary,
    };
    this.cache.set(userId, e);
    return e;
  }

  forget(userId: string): void {
    this.cache.delete(userId);
  }

  picked(userId: string, interests: string[], languages: string[]): void {
    const cached = this.cache.get(userId);
    if (cached) {
      cached.interests = interests;
      cached.languages = languages;
    }
  }

  cooledDown(userId: string, until: Date): void {
    const c = this.cache.get(userId);
    if (c) c.cooldownUntil = until.getTime();
  }

  exclude(a: string, b: string): void {
    this.cache.get(a)?.excluded.add(b);
    this.cache.get(b)?.excluded.add(a);
  }
}

/** Why this person may not queue or shake now, if they may not. */
export function restriction(e: Eligibility): AppError | null {
  if (e.banned) return new AppError('forbidden', 'You may not use 连线: your account was banned from it');
  if (e.cooldownUntil && e.cooldownUntil > Date.now())
    return new AppError('rate_limited', `Take a break: you can queue again after ${new Date(e.cooldownUntil).toISOString()}`);
  return null;
}
