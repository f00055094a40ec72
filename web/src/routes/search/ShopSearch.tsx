import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import type { Shop } from '@tremolo/protocol';
import { ProductCard } from '../../components/shop/index.ts';
import { Empty, ErrorMessage, Loading } from '../../components/Status.tsx';
import { LoadMore } from '../../components/LoadMore.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiPages } from '../../lib/queries.ts';
import { ProductFilterBar } from './ProductFilterBar.tsx';
import { SearchIcon } from './SearchBox.tsx';
import { filterQuery, NO_FILTERS, readFilters, sameFilters, writeFilters, type ProductFilterState } from './searchState.ts';
import shopStyles from '../../components/shop/shop.module.css';
import styles from './Search.module.css';

const PAGE = 20;

/**
 * Search within one shop, on its page: words, filters and sort in the address (`?q=…&sort=sales`).
 * With none of them the shop's own list (`children`) shows, as before.
 */
export function ShopSearch({ shop, children }: { shop: Shop; children: ReactNode }) {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const q = (params.get('q') ?? '').trim().slice(0, 100);
  const filters = readFilters(params);
  const active = q !== '' || !sameFilters(filters, NO_FILTERS);
  const [text, setText] = useState(q);

  const go = (nextQ: string, f: ProductFilterState) => {
    const p = writeFilters(f);
    if (nextQ.trim()) p.set('q', nextQ.trim());
    setParams(p, { replace: true });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    go(text, filters);
  };

  return (
    <section className="stack-tight" data-testid="shop-search">
      <form role="search" className={styles['box-field']} onSubmit={submit}>
        <SearchIcon />
        <input
          type="search"
          enterKeyHint="search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t('search.shopPlaceholder')}
          aria-label={t('search.shopPlaceholder')}
          maxLength={100}
          data-testid="shop-search-input"
        />
      </form>
      <ProductFilterBar value={filters} currency={shop.currency} onChange={(f) => go(q, f)} />
      {active ? <ShopResults sellerId={shop.seller.id} q={q} filters={filters} /> : children}
    </section>
  );
}

function ShopResults({ sellerId, q, filters }: { sellerId: string; q: string; filters: ProductFilterState }) {
  const { t } = useI18n();
  const results = useApiPages(api.search.shop, {
    params: { sellerId },
    query: { ...(q ? { q } : {}), ...filterQuery(filters), limit: PAGE },
  });
  const items = useMemo(() => {
    const seen = new Set<string>();
    return (results.data?.pages ?? []).flatMap((p) => p.items).filter((p) => !seen.has(p.id) && (seen.add(p.id), true));
  }, [results.data]);
  return (
    <>
      {results.error && !results.isFetching && <ErrorMessage error={results.error} onRetry={() => void results.refetch()} />}
      {results.isPending && <Loading testId="shop-search-loading" />}
      {results.isSuccess && items.length === 0 && <Empty testId="shop-search-empty">{t('search.shopNoResults')}</Empty>}
      <div className={shopStyles['pcard-grid']} data-testid="shop-search-results">
        {items.map((p) => (
          <ProductCard key={p.id} card={p} via={{ surface: 'search', surfaceId: sellerId }} />
        ))}
      </div>
      <LoadMore pages={results} testId="shop-search-more" />
    </>
  );
}
