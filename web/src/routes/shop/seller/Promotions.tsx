import { useMemo, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import type { Coupon, CreateCouponBody, FlashSale } from '@tremolo/protocol';
import { Field } from '../../../components/Field.tsx';
import { ErrorMessage } from '../../../components/Status.tsx';
import { CouponTicket } from '../../../components/shop/CouponTicket.tsx';
import { clock, flashPhase, useNow } from '../../../components/shop/live.ts';
import { settledError, toMinor } from '../../../components/shop/util.ts';
import { ApiError } from '../../../lib/api.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { formatMoney } from '../../../lib/money.ts';
import { useApiMutation, useApiQuery } from '../../../lib/queries.ts';
import { FormActions, localInput, PromotionsPage, SelectField } from './fields.tsx';
import { useMyShop } from './myShop.ts';
import styles from '../../../components/shop/shop.module.css';

function usePublished() {
  return useApiQuery(api.shop.myProducts, { query: { limit: 50, status: 'published' } });
}

/** An action from a list row: its failure is only worth a plain alert. */
const alertFailure = (e: unknown) => alert(e instanceof Error ? e.message : String(e));

export function SellerCouponsPage() {
  const { t } = useI18n();
  const list = useApiQuery(api.shop.sellerCoupons, { query: { limit: 50 } });
  const [creating, setCreating] = useState(false);
  const stopping = useApiMutation(api.shop.stopCoupon, { invalidates: [api.shop.sellerCoupons, api.shop.shopCoupons] });
  const stop = (c: Coupon) => stopping.mutate({ params: { id: c.id } }, { onError: alertFailure });
  return (
    <PromotionsPage
      testId="seller-coupons-page"
      list={list}
      creating={creating}
      onCreate={() => setCreating(true)}
      form={<CouponForm onCreated={() => setCreating(false)} onCancel={() => setCreating(false)} />}
      newLabel={t('shop.newCoupon')}
      newTestId="new-coupon"
      empty={t('shop.noSellerCoupons')}
    >
      {(c) => (
        <CouponTicket key={c.id} coupon={c}>
          <span className="small">
            <span className="pill">{t(`shop.couponStatus.${c.status}`)}</span>{' '}
            {t('shop.couponCounts', { claimed: c.claimed, used: c.used, total: c.totalQuantity })}
          </span>
          {(c.status === 'active' || c.status === 'scheduled') && (
            <button type="button" className="btn btn-quiet btn-small" onClick={() => stop(c)} data-testid="coupon-stop">
              {t('shop.stopCoupon')}
            </button>
          )}
        </CouponTicket>
      )}
    </PromotionsPage>
  );
}

function CouponForm({ onCreated, onCancel }: { onCreated: (c: Coupon) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const shop = useMyShop();
  const products = usePublished();
  const currency = shop.data?.currency ?? 'CNY';
  const now = useMemo(() => new Date(), []);
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<'amount' | 'percent'>('amount');
  const [value, setValue] = useState('');
  const [minSpend, setMinSpend] = useState('0');
  const [startsAt, setStartsAt] = useState(localInput(now));
  const [endsAt, setEndsAt] = useState(localInput(new Date(now.getTime() + 7 * 86400_000)));
  const [total, setTotal] = useState('100');
  const [perUser, setPerUser] = useState('1');
  const [scope, setScope] = useState('shop');
  const [audience, setAudience] = useState<'everyone' | 'followers'>('everyone');
  const creating = useApiMutation(api.shop.createCoupon, {
    invalidates: [api.shop.sellerCoupons, api.shop.shopCoupons],
    onSuccess: onCreated,
  });
  const busy = creating.isPending;
  const [invalid, setInvalid] = useState<ApiError | null>(null);
  const error = invalid ?? creating.error;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const min = minSpend.trim() ? toMinor(minSpend, currency) : 0;
    const amount = kind === 'amount' ? toMinor(value, currency) : Number.parseInt(value, 10);
    if (amount === null || !Number.isFinite(amount) || amount < 1 || min === null)
      return setInvalid(new ApiError('validation_failed', t('shop.priceProblem'), 400));
    setInvalid(null);
    const body: CreateCouponBody = {
      title,
      discount: kind === 'amount' ? { kind: 'amount', amountOff: amount } : { kind: 'percent', percentOff: amount },
      minSpend: min,
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(endsAt).toISOString(),
      totalQuantity: Number.parseInt(total, 10) || 1,
      perUserLimit: Number.parseInt(perUser, 10) || 1,
      scope: scope === 'shop' ? { kind: 'shop' } : { kind: 'product', productId: scope },
      audience: { kind: audience },
    };
    creating.mutate({ body });
  };
  return (
    <form className="form panel" onSubmit={submit} data-testid="coupon-form">
      <h1 className="section-title">{t('shop.newCoupon')}</h1>
      <Field
        id="coupon-title"
        label={t('shop.couponTitle')}
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        required
        maxLength={60}
      />
      <div className={styles['grid-2']}>
        <SelectField
          id="coupon-kind"
          label={t('shop.couponKind')}
          value={kind}
          onChange={setKind}
          options={[
            { value: 'amount', label: t('shop.couponKindAmount') },
            { value: 'percent', label: t('shop.couponKindPercent') },
          ]}
        />
        <Field
          id="coupon-value"
          label={kind === 'amount' ? t('shop.priceIn', { currency }) : t('shop.percent')}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          required
          inputMode="decimal"
        />
        <Field
          id="coupon-min"
          label={t('shop.minSpend', { currency })}
          value={minSpend}
          onChange={(e) => setMinSpend(e.target.value)}
          inputMode="decimal"
        />
        <Field
          id="coupon-total"
          label={t('shop.quantity')}
          type="number"
          min={1}
          value={total}
          onChange={(e) => setTotal(e.target.value)}
          required
        />
        <Field
          id="coupon-start"
          label={t('shop.startsAt')}
          type="datetime-local"
          value={startsAt}
          onChange={(e) => setStartsAt(e.target.value)}
          required
        />
        <Field
          id="coupon-end"
          label={t('shop.endsAt')}
          type="datetime-local"
          value={endsAt}
          onChange={(e) => setEndsAt(e.target.value)}
          required
        />
        <Field
          id="coupon-per-user"
          label={t('shop.perUserLimit')}
          type="number"
          min={1}
          max={100}
          value={perUser}
          onChange={(e) => setPerUser(e.target.value)}
        />
        <SelectField
          id="coupon-audience"
          label={t('shop.audience')}
          value={audience}
          onChange={setAudience}
          options={[
            { value: 'everyone', label: t('shop.audienceEveryone') },
            { value: 'followers', label: t('shop.audienceFollowers') },
          ]}
        />
      </div>
      <SelectField
        id="coupon-scope"
        label={t('shop.scope')}
        value={scope}
        onChange={setScope}
        options={[
          { value: 'shop', label: t('shop.scopeShop') },
          ...(products.data?.items.map((p) => ({ value: p.id, label: t('shop.scopeProduct', { title: p.title }) })) ?? []),
        ]}
      />
      {error && <ErrorMessage error={error} testId="coupon-form-error" />}
      <FormActions busy={busy} label={t('shop.createCoupon')} testId="coupon-create" onCancel={onCancel} />
    </form>
  );
}

export function SellerFlashSalesPage() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const list = useApiQuery(api.shop.sellerFlashSales, { query: { limit: 50 } });
  const [creating, setCreating] = useState(params.has('product'));
  const cancelling = useApiMutation(api.shop.cancelFlashSale, {
    invalidates: [api.shop.sellerFlashSales, api.shop.flashSale, api.shop.product],
  });
  const cancel = (s: FlashSale) => {
    if (!confirm(t('shop.cancelSaleConfirm'))) return;
    cancelling.mutate({ params: { id: s.id } }, { onError: alertFailure });
  };
  return (
    <PromotionsPage
      testId="seller-flash-page"
      list={list}
      creating={creating}
      onCreate={() => setCreating(true)}
      form={<FlashForm productId={params.get('product')} onCreated={() => setCreating(false)} onCancel={() => setCreating(false)} />}
      newLabel={t('shop.newFlashSale')}
      newTestId="new-flash-sale"
      empty={t('shop.noFlashSales')}
    >
      {(s) => <SaleRow key={s.id} sale={s} onCancel={() => cancel(s)} />}
    </PromotionsPage>
  );
}

function SaleRow({ sale, onCancel }: { sale: FlashSale; onCancel: () => void }) {
  const { t, lang } = useI18n();
  const now = useNow(true);
  const phase = flashPhase(sale, null, null, now);
  return (
    <article className="panel stack-tight" data-testid="flash-sale-row" data-phase={phase}>
      <div className={styles['row-between']}>
        <strong className={styles.ellipsis}>{sale.product.title}</strong>
        <span className="pill">{t(`shop.flashStatus.${phase}`)}</span>
      </div>
      <span className="small">
        {formatMoney(sale.price.amount, sale.price.currency, lang)} ·{' '}
        {t('shop.flashLeft', { count: sale.stockLeft, total: sale.stockTotal })} · {t('shop.flashPerUser', { count: sale.perUserLimit })}
      </span>
      <span className="small muted">
        {phase === 'upcoming'
          ? t('shop.flashStartsIn', { time: clock(Date.parse(sale.startsAt) - now) })
          : new Date(sale.startsAt).toLocaleString(lang, { dateStyle: 'short', timeStyle: 'short' })}
        {' — '}
        {new Date(sale.endsAt).toLocaleString(lang, { dateStyle: 'short', timeStyle: 'short' })}
      </span>
      {(phase === 'upcoming' || phase === 'live' || phase === 'sold_out') && (
        <button type="button" className="btn btn-quiet btn-small" onClick={onCancel}>
          {t('shop.cancelSale')}
        </button>
      )}
    </article>
  );
}

const START_OPTIONS = [0, 10, 60, 300, 1800, 3600] as const;
const DURATIONS = [5, 10, 30, 60, 120, 1440] as const;
const WINDOWS = [60, 300, 600, 1800] as const;

function FlashForm({
  productId,
  onCreated,
  onCancel,
}: {
  productId: string | null;
  onCreated: (s: FlashSale) => void;
  onCancel: () => void;
}) {
  const { t, lang } = useI18n();
  const products = usePublished();
  const [pid, setPid] = useState(productId ?? '');
  const product = useApiQuery(api.shop.product, { params: { id: pid } }, { enabled: pid !== '' });
  const productError = settledError(product);
  const [variantId, setVariantId] = useState('');
  const [price, setPrice] = useState('');
  const [stock, setStock] = useState('1');
  const [perUser, setPerUser] = useState('1');
  const [startIn, setStartIn] = useState<string>('60');
  const [at, setAt] = useState(localInput(new Date(Date.now() + 3600_000)));
  const [duration, setDuration] = useState('30');
  const [windowSec, setWindowSec] = useState('600');
  const creating = useApiMutation(api.shop.createFlashSale, {
    invalidates: [api.shop.sellerFlashSales, api.shop.product, api.shop.myProducts],
    onSuccess: onCreated,
  });
  const busy = creating.isPending;
  const [invalid, setInvalid] = useState<ApiError | null>(null);
  const error = invalid ?? creating.error;
  const variants = product.data?.variants.filter((v) => v.active) ?? [];
  const variant = variants.find((v) => v.id === variantId) ?? variants[0] ?? null;
  const currency = product.data?.currency ?? 'CNY';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!variant) return;
    const minor = toMinor(price, currency);
    if (minor === null || minor < 1) return setInvalid(new ApiError('validation_failed', t('shop.priceProblem'), 400));
    setInvalid(null);
    const start = startIn === 'at' ? new Date(at).getTime() : Date.now() + Number(startIn) * 1000;
    creating.mutate({
      body: {
        variantId: variant.id,
        price: minor,
        stock: Number.parseInt(stock, 10) || 1,
        perUserLimit: Number.parseInt(perUser, 10) || 1,
        startsAt: new Date(start).toISOString(),
        endsAt: new Date(start + Number(duration) * 60_000).toISOString(),
        paymentWindowSec: Number(windowSec),
      },
    });
  };
  const minutes = (s: number) => t('shop.minutes', { count: Math.round(s / 60) });
  return (
    <form className="form panel" onSubmit={submit} data-testid="flash-form">
      <h1 className="section-title">{t('shop.newFlashSale')}</h1>
      <SelectField
        id="flash-product"
        label={t('shop.product')}
        value={pid}
        onChange={(v) => {
          setPid(v);
          setVariantId('');
        }}
        options={[
          { value: '', label: t('shop.pickProduct') },
          ...(products.data?.items.map((p) => ({ value: p.id, label: p.title })) ?? []),
        ]}
        required
      />
      {pid && productError && <ErrorMessage error={productError} onRetry={() => void product.refetch()} />}
      {variants.length > 0 && variant && (
        <SelectField
          id="flash-variant"
          label={t('shop.variant')}
          hint={t('shop.flashVariantHint', {
            price: formatMoney(variant.price.amount, variant.price.currency, lang),
            stock: variant.stock,
          })}
          value={variant.id}
          onChange={setVariantId}
          options={variants.map((v) => ({ value: v.id, label: `${v.sku} ${Object.values(v.options).join(' / ')}` }))}
        />
      )}
      <div className={styles['grid-2']}>
        <Field
          id="flash-price"
          label={t('shop.flashPriceIn', { currency })}
          value={price}
          onChange={(e) => setPrice(e.target.value)}
          required
          inputMode="decimal"
        />
        <Field
          id="flash-stock"
          label={t('shop.flashStock')}
          type="number"
          min={1}
          value={stock}
          onChange={(e) => setStock(e.target.value)}
          required
        />
        <Field
          id="flash-per-user"
          label={t('shop.perUserLimit')}
          type="number"
          min={1}
          max={10}
          value={perUser}
          onChange={(e) => setPerUser(e.target.value)}
        />
        <SelectField
          id="flash-start"
          label={t('shop.startsAt')}
          value={startIn}
          onChange={setStartIn}
          options={[
            ...START_OPTIONS.map((s) => ({
              value: String(s),
              label:
                s === 0
                  ? t('shop.startNow')
                  : s < 60
                    ? t('shop.startInSeconds', { count: s })
                    : t('shop.startInMinutes', { count: s / 60 }),
            })),
            { value: 'at', label: t('shop.startAt') },
          ]}
        />
        {startIn === 'at' && (
          <Field id="flash-at" label={t('shop.startsAt')} type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} />
        )}
        <SelectField
          id="flash-duration"
          label={t('shop.duration')}
          value={duration}
          onChange={setDuration}
          options={DURATIONS.map((d) => ({ value: String(d), label: minutes(d * 60) }))}
        />
        <SelectField
          id="flash-window"
          label={t('shop.paymentWindow')}
          value={windowSec}
          onChange={setWindowSec}
          options={WINDOWS.map((w) => ({ value: String(w), label: minutes(w) }))}
        />
      </div>
      {error && <ErrorMessage error={error} testId="flash-form-error" />}
      <FormActions busy={busy} disabled={!variant} label={t('shop.createFlashSale')} testId="flash-create" onCancel={onCancel} />
    </form>
  );
}
