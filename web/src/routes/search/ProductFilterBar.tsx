import { useState, type FormEvent } from 'react';
import type { ProductSort } from '@tremolo/protocol';
import { toMajorInput, toMinor } from '../../components/shop/util.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { cx } from '../../lib/cx.ts';
import { NO_FILTERS, sameFilters, SORTS, type ProductFilterState } from './searchState.ts';
import styles from './Search.module.css';

const SORT_KEYS: Record<ProductSort, MessageKey> = {
  relevance: 'search.sort.relevance',
  sales: 'search.sort.sales',
  price_asc: 'search.sort.price_asc',
  price_desc: 'search.sort.price_desc',
  newest: 'search.sort.newest',
};

/**
 * Sort, the two quick filters (in stock, on sale now) and a price range for product results; in
 * global search and within one shop. Prices are typed in major units of `currency`.
 */
export function ProductFilterBar({
  value,
  currency,
  onChange,
}: {
  value: ProductFilterState;
  currency: string;
  onChange: (next: ProductFilterState) => void;
}) {
  const { t } = useI18n();
  const [priceOpen, setPriceOpen] = useState(false);
  const priced = value.minPrice !== null || value.maxPrice !== null;
  return (
    <div className={styles.filters} data-testid="product-filters">
      <div className={styles['filters-row']}>
        <label className={styles.sort}>
          <span className="visually-hidden">{t('search.sort')}</span>
          <select
            value={value.sort}
            onChange={(e) => onChange({ ...value, sort: SORTS.find((s) => s === e.target.value) ?? 'relevance' })}
            data-testid="filter-sort"
          >
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {t(SORT_KEYS[s])}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className={cx(styles.toggle, value.inStock && styles['toggle-on'])}
          aria-pressed={value.inStock}
          onClick={() => onChange({ ...value, inStock: !value.inStock })}
          data-testid="filter-in-stock"
        >
          {t('search.inStock')}
        </button>
        <button
          type="button"
          className={cx(styles.toggle, value.onSale && styles['toggle-on'])}
          aria-pressed={value.onSale}
          onClick={() => onChange({ ...value, onSale: !value.onSale })}
          data-testid="filter-on-sale"
        >
          {t('search.onSale')}
        </button>
        <button
          type="button"
          className={cx(styles.toggle, priced && styles['toggle-on'])}
          aria-expanded={priceOpen}
          onClick={() => setPriceOpen((o) => !o)}
          data-testid="filter-price"
        >
          {t('search.filters')} ▾
        </button>
      </div>
      {priceOpen && (
        <PriceRange
          value={value}
          currency={currency}
          onApply={(minPrice, maxPrice) => {
            setPriceOpen(false);
            onChange({ ...value, minPrice, maxPrice });
          }}
          onReset={() => {
            setPriceOpen(false);
            if (!sameFilters(value, NO_FILTERS)) onChange(NO_FILTERS);
          }}
        />
      )}
    </div>
  );
}

function PriceRange({
  value,
  currency,
  onApply,
  onReset,
}: {
  value: ProductFilterState;
  currency: string;
  onApply: (min: number | null, max: number | null) => void;
  onReset: () => void;
}) {
  const { t } = useI18n();
  const [min, setMin] = useState(value.minPrice === null ? '' : toMajorInput(value.minPrice, currency));
  const [max, setMax] = useState(value.maxPrice === null ? '' : toMajorInput(value.maxPrice, currency));
  const parse = (s: string) => (s.trim() === '' ? null : toMinor(s, currency));
  const minBad = min.trim() !== '' && parse(min) === null;
  const maxBad = max.trim() !== '' && parse(max) === null;
  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (minBad || maxBad) return;
    onApply(parse(min), parse(max));
  };
  return (
    <form className={styles.price} onSubmit={apply} data-testid="filter-price-form" noValidate>
      <div className={styles['price-inputs']}>
        <label className="field">
          <span className="small muted">{t('search.priceMin')}</span>
          <input inputMode="decimal" value={min} onChange={(e) => setMin(e.target.value)} aria-invalid={minBad} data-testid="filter-min" />
        </label>
        <span aria-hidden="true">–</span>
        <label className="field">
          <span className="small muted">{t('search.priceMax')}</span>
          <input inputMode="decimal" value={max} onChange={(e) => setMax(e.target.value)} aria-invalid={maxBad} data-testid="filter-max" />
        </label>
      </div>
      {(minBad || maxBad) && (
        <p className="field-problem" role="alert">
          {t('search.priceInvalid')}
        </p>
      )}
      <div className={styles['price-actions']}>
        <button type="button" className="btn btn-ghost btn-small" onClick={onReset} data-testid="filter-reset">
          {t('search.filtersReset')}
        </button>
        <button type="submit" className="btn btn-primary btn-small" data-testid="filter-apply">
          {t('search.filtersApply')}
        </button>
      </div>
    </form>
  );
}
