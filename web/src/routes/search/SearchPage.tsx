import { Link, useSearchParams } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import { Empty, ErrorMessage, Loading } from '../../components/Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiMutation, useApiQuery } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';
import { Discover } from '../foryou/ForYou.tsx';
import { TagChips } from './ResultRows.tsx';
import { SearchBox } from './SearchBox.tsx';
import { SearchResultsView } from './SearchResults.tsx';
import { readSearch, searchPath } from './searchState.ts';
import styles from './Search.module.css';

const TRENDING = 10;

/**
 * 发现 (Discover): the search box on top; with no query, recent searches, trending hashtags and
 * popular creators; with one, the results in tabs. The query lives in the address.
 */
export function SearchPage() {
  const [params] = useSearchParams();
  const state = readSearch(params);
  return (
    <div className={styles.page} data-testid="search-page">
      <SearchBox initial={state.q} />
      {state.q ? <SearchResultsView state={state} /> : <SearchHome />}
    </div>
  );
}

function SearchHome() {
  return (
    <div className="stack" data-testid="search-home">
      <RecentSearches />
      <Trending />
      <Discover />
    </div>
  );
}

function RecentSearches() {
  const { t } = useI18n();
  const { me } = useSession();
  // Every search made since this list was read is in it: read it each time the screen opens.
  const recent = useApiQuery(api.search.recent, undefined, { enabled: me !== null, staleTime: 0 });
  const clear = useApiMutation(api.search.clearRecent, { invalidates: [api.search.recent] });
  const remove = useApiMutation(api.search.deleteRecent, { invalidates: [api.search.recent] });
  if (me === null || !recent.data || recent.data.items.length === 0) {
    return recent.error ? <ErrorMessage error={recent.error} onRetry={() => void recent.refetch()} /> : null;
  }
  return (
    <section className={styles.section} data-testid="search-recent">
      <header className={styles['section-head']}>
        <h2 className="section-title">{t('search.recent')}</h2>
        <button
          type="button"
          className="btn btn-quiet btn-small"
          onClick={() => clear.mutate(undefined)}
          disabled={clear.isPending}
          data-testid="search-recent-clear"
        >
          {t('search.recentClear')}
        </button>
      </header>
      {(clear.error ?? remove.error) && <ErrorMessage error={clear.error ?? remove.error} />}
      <ul className={styles.recent}>
        {recent.data.items.map((r) => (
          <li key={r.id} className={styles['recent-item']}>
            <Link to={searchPath({ q: r.q })} data-testid="search-recent-item">
              {r.q}
            </Link>
            <button
              type="button"
              className={styles['recent-remove']}
              onClick={() => remove.mutate({ params: { id: r.id } })}
              aria-label={t('search.recentRemove', { q: r.q })}
              data-testid="search-recent-remove"
            >
              ✕
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Trending() {
  const { t } = useI18n();
  const trending = useApiQuery(api.search.trending, { query: { limit: TRENDING } }, { staleTime: 60_000 });
  return (
    <section className={styles.section} data-testid="search-trending">
      <h2 className="section-title">{t('search.trending')}</h2>
      {trending.error && <ErrorMessage error={trending.error} onRetry={() => void trending.refetch()} />}
      {trending.isPending && <Loading />}
      {trending.data?.items.length === 0 && <Empty>{t('search.trendingEmpty')}</Empty>}
      {trending.data && trending.data.items.length > 0 && <TagChips tags={trending.data.items} testId="trending" />}
    </section>
  );
}
