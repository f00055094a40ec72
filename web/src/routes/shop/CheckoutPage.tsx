import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { keepPreviousData } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { FlashSale, TouchContext } from '@tremolo/protocol';
import { FlashStrip } from '../../components/shop/ProductCard.tsx';
import { flashPhase, noteServerTime, useLiveStock, useNow } from '../../components/shop/live.ts';
import { parseVia, settledError, useIdempotencyKey } from '../../components/shop/util.ts';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { ApiError } from '../../lib/api.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { formatMoney } from '../../lib/money.ts';
import { useApiMutation, useApiQuery } from '../../lib/queries.ts';
import { AddressPicker } from './AddressPicker.tsx';
import { Stepper } from './VariantChooser.tsx';
import styles from '../../components/shop/shop.module.css';
import { cx } from '../../lib/cx.ts';

function parseItems(raw: string | null): { variantId: string; quantity: number }[] | undefined {
  if (!raw) return undefined;
  const items = raw
    .split(',')
    .map((s) => s.split(':'))
    .map(([variantId = '', q = '1']) => ({ variantId, quantity: Math.max(1, Math.min(99, Number.parseInt(q, 10) || 1)) }))
    .filter((i) => i.variantId);
  return items.length ? items : undefined;
}

export function CheckoutPage() {
  const [params] = useSearchParams();
  const flash = params.get('flash');
  const via = useMemo(() => parseVia(params.get('via')), [params]);
  if (flash) return <FlashCheckout saleId={flash} via={via} />;
  return <RegularCheckout sellerId={params.get('seller') ?? ''} itemsRaw={params.get('items')} via={via} />;
}

function RegularCheckout({ sellerId, itemsRaw, via }: { sellerId: string; itemsRaw: string | null; via: TouchContext | null }) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const items = useMemo(() => parseItems(itemsRaw), [itemsRaw]);
  /** undefined = let the server pick the best coupon; null = none; an id = that claim. */
  const [choice, setChoice] = useState<string | null | undefined>(undefined);
  const [addressId, setAddressId] = useState<string | null>(null);
  const preview = useApiQuery(
    api.shop.checkoutPreview,
    { body: { sellerId, ...(items ? { items } : {}), ...(choice !== undefined ? { couponClaimId: choice } : {}) } },
    // Prices, stock and coupons are checked again each time the page opens; the old preview stays while a new choice is priced.
    { staleTime: 0, placeholderData: keepPreviousData },
  );
  const previewError = settledError(preview);
  const placing = useApiMutation(api.shop.checkout, {
    invalidates: [api.shop.cart, api.shop.orders, api.shop.myCoupons],
    onSuccess: (order) => void navigate(`/shop/orders/${order.id}`, { replace: true }),
  });
  const busy = placing.isPending || placing.isSuccess;
  const error = placing.error;
  // One key per intended order: a retry of the same details replays, new details make a new order attempt.
  const key = useIdempotencyKey('co', [sellerId, itemsRaw, choice, addressId]);

  const place = () => {
    if (!addressId || !preview.data) return;
    placing.mutate({
      body: {
        sellerId,
        ...(items ? { items } : {}),
        couponClaimId: preview.data.selectedClaimId,
        addressId,
        ...(via ? { touch: via } : {}),
        idempotencyKey: key,
      },
    });
  };

  const p = preview.data;
  return (
    <section className="stack" data-testid="checkout-page">
      <h1>{t('shop.checkout')}</h1>
      {previewError && <ErrorMessage error={previewError} onRetry={() => void preview.refetch()} testId="checkout-error" />}
      {!p && !previewError && <Loading testId="checkout-loading" />}
      {p && (
        <>
          <ul className={cx(styles.lines, 'panel')} data-testid="checkout-lines">
            {p.lines.map((l) => (
              <li key={l.variantId} className={styles.line}>
                <span className={styles['stack-0']}>
                  <span>{l.title}</span>
                  <span className="small muted">
                    {l.sku} × {l.quantity}
                  </span>
                </span>
                <span>{formatMoney(l.lineTotal, p.currency, lang)}</span>
              </li>
            ))}
          </ul>
          {p.coupons.length > 0 && (
            <fieldset className={cx('stack-tight', styles['coupon-choice'])} data-testid="coupon-choice">
              <legend className="section-title">{t('shop.coupon')}</legend>
              {choice === undefined && p.selectedClaimId && (
                <p className="small accent" data-testid="coupon-best">
                  {t('shop.bestCouponApplied')}
                </p>
              )}
              {p.coupons.map((c) => (
                <label
                  key={c.claimId}
                  className={cx(styles.address, p.selectedClaimId === c.claimId && styles['address-on'], !c.applicable && styles.disabled)}
                  data-testid="coupon-option"
                >
                  <input
                    type="radio"
                    name="coupon"
                    disabled={!c.applicable}
                    checked={p.selectedClaimId === c.claimId}
                    onChange={() => setChoice(c.claimId)}
                  />
                  <span className={styles['stack-0']}>
                    <strong>{c.title}</strong>
                    <span className="small muted">
                      {c.applicable
                        ? t('shop.couponSaves', { amount: formatMoney(c.discount, p.currency, lang) })
                        : (c.reason ?? t('shop.couponNotApplicable'))}
                    </span>
                  </span>
                </label>
              ))}
              <label className={cx(styles.address, p.selectedClaimId === null && styles['address-on'])} data-testid="coupon-none">
                <input type="radio" name="coupon" checked={p.selectedClaimId === null} onChange={() => setChoice(null)} />
                <span>{t('shop.noCoupon')}</span>
              </label>
            </fieldset>
          )}
          <AddressPicker value={addressId} onChange={setAddressId} />
          <dl className={cx(styles.totals, 'panel')} data-testid="checkout-totals">
            <div>
              <dt>{t('shop.subtotal')}</dt>
              <dd data-testid="checkout-subtotal">{formatMoney(p.subtotal, p.currency, lang)}</dd>
            </div>
            <div>
              <dt>{t('shop.discount')}</dt>
              <dd data-testid="checkout-discount">−{formatMoney(p.discount, p.currency, lang)}</dd>
            </div>
            <div className={styles.total}>
              <dt>{t('shop.total')}</dt>
              <dd data-testid="checkout-total">{formatMoney(p.total, p.currency, lang)}</dd>
            </div>
          </dl>
          {error && <ErrorMessage error={error} testId="checkout-place-error" />}
          <button
            type="button"
            className="btn btn-primary btn-block"
            disabled={busy || !addressId || p.lines.length === 0}
            onClick={place}
            data-testid="checkout-place"
          >
            {busy ? t('common.working') : t('shop.placeOrder', { total: formatMoney(p.total, p.currency, lang) })}
          </button>
        </>
      )}
    </section>
  );
}

function FlashCheckout({ saleId, via }: { saleId: string; via: TouchContext | null }) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const sale = useApiQuery(api.shop.flashSale, { params: { id: saleId } }, { staleTime: 0 });
  const [addressId, setAddressId] = useState<string | null>(null);
  const [qty, setQty] = useState(1);
  const placing = useApiMutation(api.shop.flashCheckout, {
    invalidates: [api.shop.orders, api.shop.flashSale],
    onSuccess: (order) => void navigate(`/shop/orders/${order.id}`, { replace: true }),
  });
  const busy = placing.isPending || placing.isSuccess;
  const error = placing.error;
  const key = useIdempotencyKey('flash', [saleId, addressId, qty]);

  useEffect(() => {
    if (sale.data) noteServerTime(sale.data.serverTime);
  }, [sale.data]);

  const place = () => {
    if (!addressId) return;
    placing.mutate({ params: { id: saleId }, body: { quantity: qty, addressId, ...(via ? { touch: via } : {}), idempotencyKey: key } });
  };

  const saleError = settledError(sale);
  if (saleError) return <ErrorMessage error={saleError} onRetry={() => void sale.refetch()} testId="checkout-error" />;
  if (!sale.data) return <Loading testId="checkout-loading" />;
  const s = sale.data;
  const soldOut = error instanceof ApiError && error.code === 'sold_out';
  return (
    <section className="stack" data-testid="checkout-page">
      <h1>{t('shop.flashCheckout')}</h1>
      <FlashSummary sale={s} qty={qty} />
      <div className={styles['row-between']}>
        <span className="small muted">{t('shop.flashPerUser', { count: s.perUserLimit })}</span>
        <Stepper value={qty} min={1} max={Math.max(1, s.perUserLimit)} onChange={setQty} testId="flash-qty" />
      </div>
      <AddressPicker value={addressId} onChange={setAddressId} />
      <p className="note small">{t('shop.flashHoldNote', { minutes: Math.round(s.paymentWindowSec / 60) })}</p>
      {soldOut ? (
        <div className="error-box" role="alert" data-testid="checkout-sold-out">
          <strong>{t('shop.soldOutLong')}</strong>
          <Link to={`/p/${s.productId}`} className="btn btn-small btn-ghost">
            {t('shop.backToProduct')}
          </Link>
        </div>
      ) : (
        error && <ErrorMessage error={error} testId="checkout-place-error" />
      )}
      <button
        type="button"
        className="btn btn-primary btn-block"
        disabled={busy || !addressId || soldOut}
        onClick={place}
        data-testid="checkout-place"
      >
        {soldOut
          ? t('shop.soldOut')
          : busy
            ? t('common.working')
            : t('shop.placeOrder', { total: formatMoney(s.price.amount * qty, s.price.currency, lang) })}
      </button>
    </section>
  );
}

function FlashSummary({ sale, qty }: { sale: FlashSale; qty: number }) {
  const { lang } = useI18n();
  const live = useLiveStock({ ...sale.product, flashSale: sale });
  const now = useNow(true);
  const phase = flashPhase(sale, live.flashLeft, live.flashStatus, now);
  return (
    <div className="panel stack-tight" data-testid="flash-summary">
      <div className={styles.line}>
        <span className={styles['stack-0']}>
          <span>{sale.product.title}</span>
          <span className="small muted">× {qty}</span>
        </span>
        <strong>{formatMoney(sale.price.amount * qty, sale.price.currency, lang)}</strong>
      </div>
      <FlashStrip
        phase={phase}
        startsAt={sale.startsAt}
        endsAt={sale.endsAt}
        left={live.flashLeft ?? sale.stockLeft}
        total={sale.stockTotal}
        now={now}
      />
    </div>
  );
}
