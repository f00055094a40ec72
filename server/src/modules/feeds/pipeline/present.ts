import type { FeedItem, FeedPage, Video } from '@tremolo/protocol';
import type { Filtered } from './filter.ts';
import { EXPLORE_EVERY, type History, type Reason, type Scored } from './types.ts';

/**
 * Stage 4, present (pure): the order of a page and what rides along. `arrangeForYou` picks the
 * page's rows from the filtered candidates (before they are hydrated); `presentForYou` turns
 * the hydrated videos into feed items with product cards between them.
 */

const PRODUCT_EVERY = 4;

export type Picked = Pick<Scored, 'c' | 'v'>;

/**
 * Up to `limit` rows: no creator twice in a row; every EXPLORE_EVERY-th slot goes to a
 * little-liked video when there is one (shown as `fresh`). When the fresh ones run out, it
 * loops back to what was served longest ago rather than end the feed. The input is not changed.
 */
export function arrangeForYou(filtered: Filtered, limit: number, history: History | null): Picked[] {
  const ranked = [...filtered.fresh];
  const picked: Picked[] = [];
  let lastAuthor: string | null = null;
  const take = (pred: (x: Scored) => boolean) => {
    const i = ranked.findIndex((x) => x.v.authorId !== lastAuthor && pred(x));
    if (i < 0) return false;
    const [x] = ranked.splice(i, 1);
    picked.push(x!);
    lastAuthor = x!.v.authorId;
    return true;
  };
  while (picked.length < limit && ranked.length) {
    const explore = (picked.length + 1) % EXPLORE_EVERY === 0;
    if (explore && take((x) => x.unpopular)) {
      // a copy: the pool's candidate keeps its own reason for later pages
      const last = picked[picked.length - 1]!;
      picked[picked.length - 1] = { ...last, c: { ...last.c, reason: 'fresh' } };
      continue;
    }
    if (take(() => true)) continue;
    // Only the last author's videos are left fresh: one of theirs again beats a repeat.
    const x = ranked.shift()!;
    picked.push(x);
    lastAuthor = x.v.authorId;
  }
  if (picked.length < limit) {
    const recycled = [...filtered.recycled].sort((a, b) => (history?.served.get(a.c.id) ?? 0) - (history?.served.get(b.c.id) ?? 0));
    for (const x of recycled) {
      if (picked.length >= limit) break;
      if (x.v.authorId === lastAuthor && recycled.length > 1 && picked.length > 0) continue;
      picked.push(x);
      lastAuthor = x.v.authorId;
    }
  }
  return picked;
}

export interface PresentInput {
  videos: Video[];
  /** Why each video was picked, by id. */
  reasons: ReadonlyMap<string, Reason>;
  following: ReadonlySet<string>;
  history: History | null;
}

export interface Presented {
  page: FeedPage;
  /** Product cards shown, as `product:<id>` keys the history should remember. */
  served: string[];
}

/**
 * Products ride along with the videos that sell them: after every PRODUCT_EVERY videos, the card
 * of an in-stock product linked to one of them, never the same product twice within the served
 * window (the history) or on the page.
 */
export function presentForYou({ videos, reasons, following, history }: PresentInput): Presented {
  const items: FeedItem[] = [];
  const served: string[] = [];
  const products = videos.flatMap((video) => video.products.filter((p) => p.inStock).map((product) => ({ product, video })));
  for (const [i, video] of videos.entries()) {
    items.push({ type: 'video', video, reason: reasons.get(video.id) ?? 'popular' });
    if ((i + 1) % PRODUCT_EVERY !== 0) continue;
    const next = products.find(
      (p) =>
        !(history?.served.has(`product:${p.product.id}`) ?? false) &&
        !items.some((x) => x.type === 'product' && x.product.id === p.product.id),
    );
    if (!next) continue;
    items.push({
      type: 'product',
      product: next.product,
      reason: following.has(next.video.author.id) ? 'following' : 'interest',
      viaVideoId: next.video.id,
    });
    served.push(`product:${next.product.id}`);
  }
  return { page: { items, nextCursor: videos.length ? 'more' : null }, served };
}

/** Friends: every video as it came, newest first. */
export function presentFriends(videos: Video[], nextCursor: string | null): FeedPage {
  return { items: videos.map((video) => ({ type: 'video', video, reason: 'friends' })), nextCursor };
}
