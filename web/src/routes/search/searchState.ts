import type { ProductSort, SearchTab } from '@tremolo/protocol';

/**
 * What a results screen shows lives in the address (`/discover?q=口红&tab=products&sort=sales`),
 * so back, reload and a shared link all land on the same results.
 */
export interface SearchState {
  q: string;
  tab: SearchTab;
  filters: ProductFilterState;
}

/** Product filters and sort as the screen holds them; prices in minor units. */
export interface ProductFilterState {
  minPrice: number | null;
  maxPrice: number | null;
  inStock: boolean;
  onSale: boolean;
  sort: ProductSort;
}

export const TABS: readonly SearchTab[] = ['top', 'people', 'videos', 'products', 'hashtags', 'live'];
export const SORTS: readonly ProductSort[] = ['relevance', 'sales', 'price_asc', 'price_desc', 'newest'];
export const NO_FILTERS: ProductFilterState = { minPrice: null, maxPrice: null, inStock: false, onSale: false, sort: 'relevance' };

const MAX_PRICE = 100_000_000;

function price(raw: string | null): number | null {
  if (raw === null || !/^\d{1,9}$/.test(raw)) return null;
  const n = Number(raw);
  return n <= MAX_PRICE ? n : null;
}

/** Reads filters from an address; anything odd falls back to "no filter". */
export function readFilters(params: URLSearchParams): ProductFilterState {
  const sort = params.get('sort');
  return {
    minPrice: price(params.get('min')),
    maxPrice: price(params.get('max')),
    inStock: params.get('stock') === '1',
    onSale: params.get('sale') === '1',
    sort: SORTS.find((s) => s === sort) ?? 'relevance',
  };
}

export function readSearch(params: URLSearchParams): SearchState {
  const tab = params.get('tab');
  return { q: (params.get('q') ?? '').trim().slice(0, 100), tab: TABS.find((x) => x === tab) ?? 'top', filters: readFilters(params) };
}

/** The filters as address parameters, leaving out every default. */
export function writeFilters(f: ProductFilterState, into = new URLSearchParams()): URLSearchParams {
  if (f.minPrice !== null) into.set('min', String(f.minPrice));
  if (f.maxPrice !== null) into.set('max', String(f.maxPrice));
  if (f.inStock) into.set('stock', '1');
  if (f.onSale) into.set('sale', '1');
  if (f.sort !== 'relevance') into.set('sort', f.sort);
  return into;
}

/** The results address of a search; filters only matter to the products tab, so only it carries them. */
export function searchPath(s: { q: string; tab?: SearchTab; filters?: ProductFilterState }): string {
  const p = new URLSearchParams({ q: s.q.trim() });
  if (s.tab && s.tab !== 'top') p.set('tab', s.tab);
  if (s.tab === 'products' && s.filters) writeFilters(s.filters, p);
  return `/discover?${p.toString()}`;
}

/** The query the API takes for these filters (minor units; a reversed range is put in order). */
export function filterQuery(f: ProductFilterState) {
  const [lo, hi] =
    f.minPrice !== null && f.maxPrice !== null && f.minPrice > f.maxPrice ? [f.maxPrice, f.minPrice] : [f.minPrice, f.maxPrice];
  return {
    ...(lo !== null ? { minPrice: lo } : {}),
    ...(hi !== null ? { maxPrice: hi } : {}),
    ...(f.inStock ? { inStock: true } : {}),
    ...(f.onSale ? { onSale: true } : {}),
    sort: f.sort,
  };
}

export function sameFilters(a: ProductFilterState, b: ProductFilterState): boolean {
  return a.minPrice === b.minPrice && a.maxPrice === b.maxPrice && a.inStock === b.inStock && a.onSale === b.onSale && a.sort === b.sort;
}
