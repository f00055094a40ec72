import type { MatchOptIn } from '@tremolo/protocol';
import { dedupe, optInRequired, type MatchDeps } from './context.ts';
import type { Eligibilities } from './eligibility.ts';
import type { Moderators } from './moderators.ts';

type ProfileDeps = Pick<MatchDeps, 'repo' | 'options'> & { eligibility: Eligibilities; moderators: Moderators };

/** The opt-in (18+ and the rules) and the lobby's stored picks. */
export class MatchProfile {
  constructor(private readonly deps: ProfileDeps) {}

  async optIn(userId: string, body: { interests: string[]; languages: string[] }): Promise<MatchOptIn> {
    await this.deps.repo.upsertProfile(userId, dedupe(body.interests), dedupe(body.languages));
    this.deps.eligibility.forget(userId);
    return this.me(userId);
  }

  /**
   * What the person picked in the lobby becomes their stored choice, shown again next time.
   * Separate from queueing so a join stays free of writes.
   */
  async setPrefs(userId: string, body: { interests?: string[] | undefined; languages?: string[] | undefined }): Promise<MatchOptIn> {
    const { repo } = this.deps;
    const p = await repo.profile(userId);
    if (!p) throw optInRequired();
    const interests = body.interests ? dedupe(body.interests) : p.interests;
    const languages = body.languages ? dedupe(body.languages) : p.languages;
    if (!sameList(interests, p.interests) || !sameList(languages, p.languages)) await repo.setPrefs(userId, interests, languages);
    this.deps.eligibility.picked(userId, interests, languages);
    return this.me(userId);
  }

  async me(userId: string): Promise<MatchOptIn> {
    const { repo } = this.deps;
    const [p, banned, moderator] = await Promise.all([
      repo.profile(userId),
      repo.isBanned(userId),
      this.deps.moderators.isModerator(userId),
    ]);
    const cooldown = p?.cooldownUntil && p.cooldownUntil.getTime() > Date.now() ? p.cooldownUntil.toISOString() : null;
    return {
      adultConfirmedAt: p?.adultConfirmedAt.toISOString() ?? null,
      rulesAcceptedAt: p?.rulesAcceptedAt.toISOString() ?? null,
      interests: p?.interests ?? [],
      languages: p?.languages ?? [],
      cooldownUntil: cooldown,
      banned,
      moderator,
      iceServers: this.deps.options.iceServers,
    };
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
