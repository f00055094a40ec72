/**
 * Hashtag interest model: each person's affinity per hashtag, learned from what they do.
 * It is the content-based half of For You (it knows a brand-new video by its tags); the
 * item-item engine in lib/recommend is the collaborative half. Updates are O(tags) and
 * synchronous, so a like changes the very next page.
 */
export type InterestEvent = 'like' | 'unlike' | 'complete' | 'watch' | 'not_interested' | 'picked' | 'searched';

/** How much each action says about a person's taste, in affinity units per hashtag. */
const INTEREST_WEIGHTS: Record<InterestEvent, number> = {
  picked: 2,
  /** Searched for the tag or opened a search result carrying it. */
  searched: 1.5,
  like: 3,
  complete: 2,
  watch: 0.5,
  unlike: -3,
  not_interested: -4,
};

/** Affinity decays toward zero so that recent taste wins: half-life in events per person. */
const DECAY_PER_EVENT = 0.98;

/** Below this the stored values are rescaled, long before they could overflow. */
const MIN_SCALE = 1e-30;

interface Affinity {
  /** true affinity = stored value × scale; decaying everything is one multiplication */
  scale: number;
  readonly tags: Map<string, number>;
}

export class InterestModel {
  private readonly affinity = new Map<string, Affinity>();

  observe(userId: string, event: InterestEvent, hashtags: readonly string[]): void {
    if (hashtags.length === 0) return;
    let a = this.affinity.get(userId);
    if (!a) this.affinity.set(userId, (a = { scale: 1, tags: new Map() }));
    // Decay is lazy (a per-person scale), so an event costs O(its tags), not O(all the person's tags):
    // start-up replays millions of events.
    if (event !== 'picked') a.scale *= DECAY_PER_EVENT;
    if (a.scale < MIN_SCALE) {
      for (const [k, v] of a.tags) a.tags.set(k, v * a.scale);
      a.scale = 1;
    }
    const w = INTEREST_WEIGHTS[event] / Math.sqrt(hashtags.length) / a.scale;
    for (const tag of hashtags) a.tags.set(tag, (a.tags.get(tag) ?? 0) + w);
  }

  /** The person's strongest positive hashtags, strongest first. */
  topTags(userId: string, n: number): string[] {
    const a = this.affinity.get(userId);
    if (!a) return [];
    return [...a.tags]
      .filter(([, v]) => v > 0)
      .sort((x, y) => y[1] - x[1])
      .slice(0, n)
      .map(([k]) => k);
  }

  /** Affinity of a person for a video with these tags, squashed to [-1, 1]. */
  score(userId: string, hashtags: readonly string[]): number {
    return this.scorer(userId)(hashtags);
  }

  /** `score` for one person and many videos (a ranking): the person is looked up once. */
  scorer(userId: string): (hashtags: readonly string[]) => number {
    const a = this.affinity.get(userId);
    if (!a) return () => 0;
    return (hashtags) => {
      if (hashtags.length === 0) return 0;
      let s = 0;
      for (const t of hashtags) s += a.tags.get(t) ?? 0;
      return Math.tanh((s * a.scale) / 6);
    };
  }

  knows(userId: string): boolean {
    return (this.affinity.get(userId)?.tags.size ?? 0) > 0;
  }
}
