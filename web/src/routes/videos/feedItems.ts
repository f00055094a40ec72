import type { FeedItem } from '@tremolo/protocol';

/** Appends a page, leaving out what the list already holds (For You loops back once everything was seen). */
export function appendNew(prev: FeedItem[], page: FeedItem[]): { items: FeedItem[]; added: number } {
  const key = (it: FeedItem) => (it.type === 'video' ? `v:${it.video.id}` : `p:${it.product.id}`);
  const known = new Set(prev.map(key));
  const fresh = page.filter((it) => {
    const k = key(it);
    if (known.has(k)) return false;
    known.add(k);
    return true;
  });
  return { items: fresh.length ? [...prev, ...fresh] : prev, added: fresh.filter((it) => it.type === 'video').length };
}

/** The items of a feed's pages, each once, in the order they came. */
export function feedItems(pages: readonly { items: FeedItem[] }[]): FeedItem[] {
  return pages.reduce<FeedItem[]>((all, p) => appendNew(all, p.items).items, []);
}
