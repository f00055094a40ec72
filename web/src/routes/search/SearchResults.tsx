import { useMemo, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import type { SearchResults, SearchTab } from '@tremolo/protocol';
import { ProductCard } from '../../components/shop/index.ts';
import { Empty, ErrorMessage, Loading } from '../../components/Status.tsx';
import { LoadMore } from '../../components/LoadMore.tsx';
import { VideoGrid } from '../../components/video/VideoGrid.tsx';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { useApiPages } from '../../lib/queries.ts';
import { cx } from '../../lib/cx.ts';
import { ProductFilterBar } from './ProductFilterBar.tsx';
import { HashtagRow, LiveRow, PersonRow } from './ResultRows.tsx';
import { filterQuery, searchPath, TABS, type SearchState } from './searchState.ts';
import { useOpenResult } from './useOpenResult.ts';
import shopStyles from '../../components/shop/shop.module.css';
import styles from './Search.module.css';

const PAGE = 20;
// Prices typed in the filters are read in this currency until results show which one the shops use.
const DEFAULT_CURRENCY = 'CNY';

const TAB_KEYS: Record<SearchTab, MessageKey> = {
  top: 'search.tab.top',
  people: 'search.tab.people',
  videos: 'search.tab.videos',
  products: 'search.tab.products',
  hashtags: 'search.tab.hashtags',
  live: 'search.tab.live',
};

type Lists = Omit<SearchResults, 'q' | 'tab' | 'nextCursor'>;

/** Every page's lists joined, each result once (a ranking that moved between pages must not repeat one). */
function joinPages(pages: readonly SearchResults[]): Lists {
  const once = <T,>(items: T[], key: (x: T) => string) => {
    const seen = new Set<string>();
    return items.filter((x) => !seen.has(key(x)) && (seen.add(key(x)), true));
  };
  return {
    people: once(
      pages.flatMap((p) => p.people),
      (x) => x.user.id,
    ),
    hashtags: once(
      pages.flatMap((p) => p.hashtags),
      (x) => x.tag,
    ),
    videos: once(
      pages.flatMap((p) => p.videos),
      (x) => x.id,
    ),
    products: once(
      pages.flatMap((p) => p.products),
      (x) => x.id,
    ),
    live: once(
      pages.flatMap((p) => p.live),
      (x) => x.id,
    ),
  };
}

/** The results of one query in tabs: top, people, videos, products (with filters and sort), hashtags, live. */
export function SearchResultsView({ state }: { state: SearchState }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const { q, tab, filters } = state;
  const opened = useOpenResult(q);
  const query = { q, tab, limit: PAGE, ...(tab === 'products' ? filterQuery(filters) : {}) };
  const results = useApiPages(api.search.search, { query });
  const lists = useMemo(() => joinPages(results.data?.pages ?? []), [results.data]);
  const total = lists.people.length + lists.hashtags.length + lists.videos.length + lists.products.length + lists.live.length;
  const currency = lists.products[0]?.price.currency ?? DEFAULT_CURRENCY;

  return (
    <div className="stack" data-testid="search-results" data-q={q} data-tab={tab}>
      <nav className={styles.tabs} aria-label={t('search.tabs')} data-testid="search-tabs">
        {TABS.map((x) => (
          <Link
            key={x}
            to={searchPath({ q, tab: x, filters })}
            replace
            className={cx(styles.tab, x === tab && styles['tab-active'])}
            aria-current={x === tab ? 'page' : undefined}
            data-testid={`search-tab-${x}`}
          >
            {t(TAB_KEYS[x])}
          </Link>
        ))}
      </nav>
      {tab === 'products' && (
        <ProductFilterBar
          value={filters}
          currency={currency}
          onChange={(f) => void navigate(searchPath({ q, tab, filters: f }), { replace: true })}
        />
      )}
      {results.error && !results.isFetching && (
        <ErrorMessage error={results.error} onRetry={() => void (results.data ? results.fetchNextPage() : results.refetch())} />
      )}
      {results.isPending && !results.error && <Loading testId="search-loading" />}
      {results.isSuccess && total === 0 && <Empty testId="search-empty">{t('search.noResults', { q })}</Empty>}

      {tab === 'top' && total > 0 && (
        <>
          {lists.people.length > 0 && (
            <Section title={t('search.tab.people')} more={searchPath({ q, tab: 'people' })} testId="top-people">
              {lists.people.slice(0, 3).map((p) => (
                <PersonRow key={p.user.id} hit={p} onOpen={() => opened('person', p.user.id)} />
              ))}
            </Section>
          )}
          {lists.live.length > 0 && (
            <Section title={t('search.tab.live')} more={searchPath({ q, tab: 'live' })} testId="top-live">
              {lists.live.slice(0, 2).map((r) => (
                <LiveRow key={r.id} hit={r} onOpen={() => opened('live', r.id)} />
              ))}
            </Section>
          )}
          {lists.hashtags.length > 0 && (
            <Section title={t('search.tab.hashtags')} more={searchPath({ q, tab: 'hashtags' })} testId="top-hashtags">
              {lists.hashtags.slice(0, 3).map((h) => (
                <HashtagRow key={h.tag} hit={h} onOpen={() => opened('hashtag', h.tag)} />
              ))}
            </Section>
          )}
          {lists.products.length > 0 && (
            <Section title={t('search.tab.products')} more={searchPath({ q, tab: 'products' })} testId="top-products">
              <div className={shopStyles['pcard-grid']}>
                {lists.products.slice(0, 4).map((p) => (
                  <ProductCard key={p.id} card={p} via={{ surface: 'search' }} onOpen={() => opened('product', p.id)} />
                ))}
              </div>
            </Section>
          )}
          {lists.videos.length > 0 && (
            <Section title={t('search.tab.videos')} testId="top-videos">
              <VideoGrid videos={lists.videos} testId="search-videos" onOpen={(v) => opened('video', v.id)} />
            </Section>
          )}
        </>
      )}
      {tab === 'people' && lists.people.length > 0 && (
        <div className={styles.list} data-testid="search-people">
          {lists.people.map((p) => (
            <PersonRow key={p.user.id} hit={p} onOpen={() => opened('person', p.user.id)} />
          ))}
        </div>
      )}
      {tab === 'videos' && lists.videos.length > 0 && (
        <VideoGrid videos={lists.videos} testId="search-videos" onOpen={(v) => opened('video', v.id)} />
      )}
      {tab === 'products' && lists.products.length > 0 && (
        <div className={shopStyles['pcard-grid']} data-testid="search-products">
          {lists.products.map((p) => (
            <ProductCard key={p.id} card={p} via={{ surface: 'search' }} onOpen={() => opened('product', p.id)} />
          ))}
        </div>
      )}
      {tab === 'hashtags' && lists.hashtags.length > 0 && (
        <div className={styles.list} data-testid="search-hashtags">
          {lists.hashtags.map((h) => (
            <HashtagRow key={h.tag} hit={h} onOpen={() => opened('hashtag', h.tag)} />
          ))}
        </div>
      )}
      {tab === 'live' && lists.live.length > 0 && (
        <div className={styles.list} data-testid="search-live-list">
          {lists.live.map((r) => (
            <LiveRow key={r.id} hit={r} onOpen={() => opened('live', r.id)} />
          ))}
        </div>
      )}

      <LoadMore pages={results} testId="search-more" />
    </div>
  );
}

function Section({ title, more, testId, children }: { title: string; more?: string; testId: string; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <section className={styles.section} data-testid={testId}>
      <header className={styles['section-head']}>
        <h2 className="section-title">{title}</h2>
        {more && (
          <Link to={more} replace className="small muted" data-testid={`${testId}-more`}>
            {t('search.seeAll')}
          </Link>
        )}
      </header>
      <div className={styles.list}>{children}</div>
    </section>
  );
}
