import { z } from 'zod';
import { Cursor, Id, knownOnly, text } from './common.ts';
import { UserSummary } from './accounts.ts';
import { ProductCard } from './shop.ts';
import { RoomInfo } from './rooms.ts';
import { Hashtag, Video } from './videos.ts';

/** What a person types: trimmed, never empty, short enough to index-scan. */
export const SearchText = text().trim().min(1).max(100);

/** A query-string flag: `true`/`false` (as the client's query string spells it) or a boolean. */
const QueryFlag = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true');

// ---------------------------------------------------------------- hits

/** How the viewer relates to a person found: friends first, then people I follow, then friends of friends. */
export const SearchRelation = z.enum(['self', 'friend', 'following', 'followed_by', 'friend_of_friend', 'none']);
export type SearchRelation = z.infer<typeof SearchRelation>;

export const PersonHit = z.object({
  user: UserSummary.extend({ bio: text() }),
  followers: z.number().int(),
  relation: SearchRelation,
  /** Friends of the viewer who are friends of this person (for "3 mutual friends"); 0 when signed out. */
  mutualFriends: z.number().int(),
});
export type PersonHit = z.infer<typeof PersonHit>;

export const HashtagHit = z.object({
  /** Without the `#`, lowercase; the page is `/t/<tag>`. */
  tag: text(),
  /** Videos with this tag that anyone may see. */
  videos: z.number().int(),
  views: z.number().int(),
});
export type HashtagHit = z.infer<typeof HashtagHit>;

/** A live room that is on now and the viewer may enter. */
export const LiveHit = RoomInfo.extend({ viewers: z.number().int() });
export type LiveHit = z.infer<typeof LiveHit>;

// ---------------------------------------------------------------- suggestions

export const SuggestQuery = z.strictObject({
  q: text().trim().min(1).max(50),
  limit: z.coerce.number().int().min(1).max(15).default(8),
});

/** One row of the drop-down under the search box while typing. */
export const Suggestion = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('person'), person: PersonHit }),
  z.object({ kind: z.literal('hashtag'), hashtag: HashtagHit }),
  z.object({ kind: z.literal('product'), product: ProductCard }),
]);
export type Suggestion = z.infer<typeof Suggestion>;

export const Suggestions = z.object({ q: text(), items: knownOnly(Suggestion) });
export type Suggestions = z.infer<typeof Suggestions>;

// ---------------------------------------------------------------- full search

export const SearchTab = z.enum(['top', 'people', 'videos', 'products', 'hashtags', 'live']);
export type SearchTab = z.infer<typeof SearchTab>;

/** `price_asc`/`price_desc` order by the lowest active variant price (a flash-sale price when one is live). */
export const ProductSort = z.enum(['relevance', 'sales', 'price_asc', 'price_desc', 'newest']);
export type ProductSort = z.infer<typeof ProductSort>;

/** Product filters and sort; used by the products tab and by search within one shop. */
export const ProductFilters = z.strictObject({
  /** Minor units (fen/cents), inclusive, compared with the lowest active variant price. */
  minPrice: z.coerce.number().int().min(0).max(100_000_000).optional(),
  maxPrice: z.coerce.number().int().min(0).max(100_000_000).optional(),
  inStock: QueryFlag.optional(),
  /** A flash sale is live now. */
  onSale: QueryFlag.optional(),
  sort: ProductSort.default('relevance'),
});

export const SearchQuery = ProductFilters.extend({
  q: SearchText,
  tab: SearchTab.default('top'),
  /** Opaque; from the previous page's `nextCursor` of the same q, tab, filters and sort. */
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(30).default(20),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

/**
 * One page of one tab. Every list is present; only the tab's own lists are filled. `top` fills
 * several (a few people, hashtags and live rooms, then videos and products) and pages through
 * videos; the other tabs fill their one list. Video and live results carry only what the viewer
 * may see.
 */
export const SearchResults = z.object({
  q: text(),
  tab: SearchTab,
  people: z.array(PersonHit),
  hashtags: z.array(HashtagHit),
  videos: z.array(Video),
  products: z.array(ProductCard),
  live: z.array(LiveHit),
  nextCursor: text().nullable(),
});
export type SearchResults = z.infer<typeof SearchResults>;

export const ShopSearchParams = z.strictObject({ sellerId: Id });
/** Within one shop an empty `q` lists the shop's products with the filters and sort. */
export const ShopSearchQuery = ProductFilters.extend({
  q: text().trim().max(100).optional(),
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export const ProductSearchPage = z.object({ items: z.array(ProductCard), nextCursor: text().nullable() });
export type ProductSearchPage = z.infer<typeof ProductSearchPage>;

// ---------------------------------------------------------------- recent searches and opens

export const RecentSearch = z.object({ id: Id, q: text(), at: text() });
export type RecentSearch = z.infer<typeof RecentSearch>;
export const RecentSearches = z.object({ items: z.array(RecentSearch) });
export type RecentSearches = z.infer<typeof RecentSearches>;
export const RecentSearchParams = z.strictObject({ id: Id });

/** The kinds of result a person can open from search. */
export const SearchResultKind = z.enum(['person', 'video', 'product', 'hashtag', 'live']);
export type SearchResultKind = z.infer<typeof SearchResultKind>;

/**
 * Sent when a person opens a result: it feeds their For You interests (the hashtags of a video or
 * product opened, the tag of a hashtag page). Buying from a result is attributed by the shop's
 * touch context with `surface: 'search'`.
 */
export const SearchOpenBody = z.strictObject({
  q: SearchText,
  kind: SearchResultKind,
  /** A user, video, product or room id, or a hashtag without `#`. */
  id: text().trim().min(1).max(64),
});

// ---------------------------------------------------------------- hashtags

export const TrendingQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(30).default(10) });
export const TrendingHashtags = z.object({ items: z.array(HashtagHit) });
export type TrendingHashtags = z.infer<typeof TrendingHashtags>;

export const HashtagParams = z.strictObject({ tag: Hashtag });

/** The head of `/t/<tag>`; its videos come page by page from the hashtag feed. */
export const HashtagPage = z.object({
  tag: text(),
  videos: z.number().int(),
  views: z.number().int(),
  /** Tags that appear most often on the same videos. */
  related: z.array(HashtagHit),
  /** Products linked from this tag's videos, most sold first. */
  products: z.array(ProductCard),
});
export type HashtagPage = z.infer<typeof HashtagPage>;

export const HashtagFeedSort = z.enum(['hot', 'new']);
export type HashtagFeedSort = z.infer<typeof HashtagFeedSort>;
export const HashtagFeedQuery = z.strictObject({
  sort: HashtagFeedSort.default('hot'),
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(30).default(10),
});
