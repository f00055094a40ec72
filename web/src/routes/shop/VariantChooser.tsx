import type { ReactNode } from 'react';
import type { FlashSaleBadge, Product, Variant } from '@tremolo/protocol';
import { FlashStrip } from '../../components/shop/ProductCard.tsx';
import { flashPhase, useLiveStock, useNow } from '../../components/shop/live.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { formatMoney } from '../../lib/money.ts';
import { cx } from '../../lib/cx.ts';
import { optionsText } from './common.tsx';
import styles from '../../components/shop/shop.module.css';

function variantLabel(v: Variant): string {
  return Object.keys(v.options).length ? Object.values(v.options).join(' / ') : v.sku;
}

/** The variant a product opens on: the flash sale's, else the first in stock, else the first. */
export function initialVariantId(product: Product): string {
  const active = product.variants.filter((v) => v.active);
  const sale = product.flashSale;
  if (sale && active.some((v) => v.id === sale.variantId)) return sale.variantId;
  return (active.find((v) => v.stock > 0) ?? active[0])?.id ?? '';
}

/** The product's flash sale as it stands now (live stock and the countdown), for whoever shows its offer. */
export function useFlashOffer(product: Product) {
  const sale = product.flashSale;
  const live = useLiveStock(product.card);
  const now = useNow(sale !== null);
  const phase = sale ? flashPhase(sale, live.flashLeft, live.flashStatus, now) : null;
  return { sale, phase, now, left: live.flashLeft ?? sale?.stockLeft ?? 0 };
}

/** A flash sale's price, per-person limit and strip; `children` is the way to take it. */
export function FlashOffer({
  sale,
  phase,
  now,
  left,
  children,
}: {
  sale: FlashSaleBadge;
  phase: ReturnType<typeof flashPhase>;
  now: number;
  left: number;
  children?: ReactNode;
}) {
  const { t, lang } = useI18n();
  return (
    <div className="panel stack-tight" data-testid="product-flash">
      <div className={styles['row-between']}>
        <strong>{t('shop.flashPrice', { price: formatMoney(sale.price.amount, sale.price.currency, lang) })}</strong>
        <span className="small muted">{t('shop.flashPerUser', { count: sale.perUserLimit })}</span>
      </div>
      <FlashStrip phase={phase} startsAt={sale.startsAt} endsAt={sale.endsAt} left={left} total={sale.stockTotal} now={now} />
      {children}
    </div>
  );
}

/** The variant chips, the chosen one's stock and the quantity: the product page and the buy sheet. */
export function VariantChooser({
  product,
  variantId,
  onVariant,
  qty,
  onQty,
  maxQty,
}: {
  product: Product;
  variantId: string;
  onVariant: (id: string) => void;
  qty: number;
  onQty: (n: number) => void;
  /** A lower cap than the stock (a flash sale's per-person limit). */
  maxQty?: number;
}) {
  const { t } = useI18n();
  const active = product.variants.filter((v) => v.active);
  const variant = active.find((v) => v.id === variantId) ?? null;
  const max = Math.max(1, Math.min(99, maxQty ?? 99, variant?.stock ?? 1));
  return (
    <>
      {active.length > 1 && (
        <fieldset className={styles.variants} data-testid="variant-picker">
          <legend>{t('shop.chooseVariant')}</legend>
          {active.map((v) => (
            <button
              key={v.id}
              type="button"
              className={cx(styles.chip, v.id === variantId && styles['chip-on'])}
              aria-pressed={v.id === variantId}
              disabled={v.stock <= 0}
              onClick={() => {
                onVariant(v.id);
                onQty(1);
              }}
              data-testid="variant-option"
            >
              {variantLabel(v)}
            </button>
          ))}
        </fieldset>
      )}
      {variant && (
        <div className={styles['row-between']}>
          <span className="small muted" data-testid="variant-stock">
            {variant.stock <= 0
              ? t('shop.soldOut')
              : variant.stock <= product.lowStockThreshold
                ? t('card.fewLeft', { count: variant.stock })
                : t('shop.stockCount', { count: variant.stock })}
            {Object.keys(variant.options).length > 0 && ` · ${optionsText(variant.options)}`}
          </span>
          <Stepper value={qty} min={1} max={max} onChange={onQty} testId="product-qty" />
        </div>
      )}
    </>
  );
}

export function Stepper({
  value,
  min,
  max,
  onChange,
  testId,
  disabled,
}: {
  value: number;
  min: number;
  max: number;
  onChange: (n: number) => void;
  testId: string;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  return (
    <span className={styles.stepper} data-testid={testId}>
      <button
        type="button"
        className="btn btn-icon btn-ghost"
        aria-label={t('shop.less')}
        disabled={disabled || value <= min}
        onClick={() => onChange(value - 1)}
        data-testid={`${testId}-minus`}
      >
        −
      </button>
      <output aria-live="polite" data-testid={`${testId}-value`}>
        {value}
      </output>
      <button
        type="button"
        className="btn btn-icon btn-ghost"
        aria-label={t('shop.more')}
        disabled={disabled || value >= max}
        onClick={() => onChange(value + 1)}
        data-testid={`${testId}-plus`}
      >
        +
      </button>
    </span>
  );
}
