import { useMemo, useState } from 'react';
import * as api from '@tremolo/protocol/api';
import type { Product } from '@tremolo/protocol';
import { Empty, ErrorMessage, Loading } from '../../../components/Status.tsx';
import { Stars } from '../../../components/shop/Stars.tsx';
import { settledError } from '../../../components/shop/util.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { useApiPages, useApiQuery } from '../../../lib/queries.ts';
import { useSession } from '../../../lib/session.tsx';
import { ReviewItem } from './ReviewItem.tsx';
import shopStyles from '../../../components/shop/shop.module.css';
import styles from '../../../components/shop/reviews.module.css';
import { cx } from '../../../lib/cx.ts';

type Filter = { kind: 'all' } | { kind: 'photos' } | { kind: 'stars'; stars: number };

/** The product page's reviews: the summary with its histogram, filters, and photo reviews first, a page at a time. */
export function ProductReviews({ product }: { product: Product }) {
  const { t, tn } = useI18n();
  const { me } = useSession();
  const [filter, setFilter] = useState<Filter>({ kind: 'all' });
  const summary = useApiQuery(api.reviews.summary, { params: { id: product.id } });
  const query = filter.kind === 'photos' ? { withPhotos: 'true' as const } : filter.kind === 'stars' ? { stars: filter.stars } : {};
  const pages = useApiPages(api.reviews.ofProduct, { params: { id: product.id }, query: { limit: 10, ...query } });
  const items = useMemo(() => (pages.data?.pages ?? []).flatMap((p) => p.items), [pages.data]);
  const s = summary.data;
  const failed = settledError(summary) ?? settledError(pages);
  const isSeller = me?.id === product.seller.id;
  const max = s ? Math.max(1, ...s.histogram) : 1;
  const chip = (f: Filter, label: string, testId: string) => {
    const on = f.kind === filter.kind && (f.kind !== 'stars' || (filter.kind === 'stars' && filter.stars === f.stars));
    return (
      <button
        type="button"
        className={cx(shopStyles.chip, on && shopStyles['chip-on'])}
        aria-pressed={on}
        onClick={() => setFilter(f)}
        data-testid={testId}
      >
        {label}
      </button>
    );
  };
  return (
    <section className="stack-tight" data-testid="product-reviews">
      <h2 className="section-title">
        {t('reviews.title')} {s && s.count > 0 && <span className="muted small">{tn('reviews.count', s.count)}</span>}
      </h2>
      {failed && (
        <ErrorMessage error={failed} onRetry={() => void Promise.all([summary.refetch(), pages.refetch()])} testId="reviews-error" />
      )}
      {s && s.count === 0 && <Empty>{t('reviews.none')}</Empty>}
      {s && s.count > 0 && s.average !== null && (
        <>
          <div className={styles.summary} data-testid="rating-summary">
            <div className={styles['summary-big']}>
              <strong data-testid="rating-average">{s.average.toFixed(1)}</strong>
              <Stars value={s.average} />
              <span className="visually-hidden">{t('reviews.average', { average: s.average.toFixed(1) })}</span>
            </div>
            <ol className={styles.histogram} data-testid="rating-histogram">
              {[5, 4, 3, 2, 1].map((n) => (
                <li key={n}>
                  <span>{n}★</span>
                  <span className={styles.bar}>
                    <span style={{ width: `${Math.round((s.histogram[n - 1]! / max) * 100)}%` }} />
                  </span>
                  <span className={styles.count}>{s.histogram[n - 1]}</span>
                </li>
              ))}
            </ol>
          </div>
          <div className={styles.filters} role="group" aria-label={t('reviews.title')} data-testid="review-filters">
            {chip({ kind: 'all' }, t('reviews.filterAll'), 'review-filter-all')}
            {s.withPhotos > 0 && chip({ kind: 'photos' }, t('reviews.filterPhotos', { count: s.withPhotos }), 'review-filter-photos')}
            {[5, 4, 3, 2, 1]
              .filter((n) => s.histogram[n - 1]! > 0)
              .map((n) => chip({ kind: 'stars', stars: n }, t('reviews.filterStars', { count: n }), `review-filter-${n}`))}
          </div>
          {!pages.data && !failed && <Loading />}
          {pages.data && items.length === 0 && <Empty>{t('reviews.noneMatch')}</Empty>}
          <div data-testid="review-list">
            {items.map((r) => (
              <ReviewItem key={r.id} review={r} canReply={isSeller} />
            ))}
          </div>
          {pages.hasNextPage && (
            <button
              type="button"
              className="btn btn-ghost btn-small"
              disabled={pages.isFetchingNextPage}
              onClick={() => void pages.fetchNextPage()}
              data-testid="reviews-more"
            >
              {pages.isFetchingNextPage ? t('common.working') : t('reviews.more')}
            </button>
          )}
        </>
      )}
    </section>
  );
}
