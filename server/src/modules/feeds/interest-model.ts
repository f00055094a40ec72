/**
 * Hashtag interest model: each person's affinity per hashtag, learned from what they do.
 * It is the content-based half of For You (it knows a brand-new video by its tags); the
 * item-item engine in modules/recommend is the collaborative half. Updates are O(tags) and
 * synchronous, so a like changes the very next page.
 */
export type InterestEvent = 'like' | 'unlike' | 'complete' | 'watch' | 'not_interested' | 'picked';

/** How much each action says about a person's taste, in affinity units per hashtag. */
export const INTEREST_WEIGHTS: Record<InterestEvent, number> = {
  picked: 2,
  like: 3,
  complete: 2,
  watch: 0.5,
  unlike: -3,
  not_interested: -4,
};

/** Affinity decays toward zero so that recent taste wins: half-life in events per person. */
const DECAY_PER_EVENT = 0.98;

export class InterestModel {
  private readonly affinity = new Map<string, Map<string, number>>();

  observe(userId: string, event: InterestEvent, hashtags: readonly string[]): void {
    if (hashtags.length === 0) return;
    let m = this.affinity.get(userId);
    if (!m) this.affinity.set(userId, (m = new Map()));
    if (event !== 'picked') for (const [k, v] of m) m.set(k, v * DECAY_PER_EVENT);
    const w = INTEREST_WEIGHTS[event] / Math.sqrt(hashtags.length);
    for (const tag of hashtags) m.set(tag, (m.get(tag) ?? 0) + w);
  }

  /** The person's strongest positive hashtags, strongest first. */
  topTags(userId: string, n: number): string[] {
    const m = this.affinity.get(userId);
    if (!m) return [];
    return [...m]
      .filter(([, v]) => v > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k]) => k);
  }

  /** Affinity of a person for a video with these tags, squashed to [-1, 1]. */
  score(userId: string, hashtags: readonly string[]): number {
    const m = this.affinity.get(userId);
    if (!m || hashtags.length === 0) return 0;
    let s = 0;
    for (const t of hashtags) s += m.get(t) ?? 0;
    return Math.tanh(s / 6);
  }

  knows(userId: string): boolean {
    return (this.affinity.get(userId)?.size ?? 0) > 0;
  }
}
