import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { keepPreviousData, useQueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import { CouponClaimStatus, type CartLine } from '@tremolo/protocol';
import { Avatar } from '../../components/Avatar.tsx';
import { Empty, ErrorMessage, Loading } from '../../components/Status.tsx';
import { CouponTicket } from '../../components/shop/CouponTicket.tsx';
import { ProductCard } from '../../components/shop/ProductCard.tsx';
import { StoreScoreBadge } from '../../components/shop/Stars.tsx';
import { settledError, useShopCoupons } from '../../components/shop/util.ts';
import { call } from '../../lib/client.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { formatMoney } from '../../lib/money.ts';
import { keyOf, useApiQuery } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';
import { BuyerNav, optionsText } from './common.tsx';
import { Stepper } from './VariantChooser.tsx';
import styles from '../../components/shop/shop.module.css';
import { ShopSearch } from '../search/ShopSearch.tsx';
import { cx } from '../../lib/cx.ts';

/** My carts, one per seller, each checked out on its own. */
export function CartPage() {
  const { t, lang } = useI18n();
  const cart = useApiQuery(api.shop.cart, undefined, { staleTime: 0 });
  const cartError = settledError(cart);
  const client = useQueryClient();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const change = async (line: CartLine, quantity: number | null) => {
    setBusy(line.variantId);
    setError(null);
    try {
      const params = { variantId: line.variantId };
      const next =
        quantity === null
          ? await call(api.shop.removeCartItem, { params })
          : await call(api.shop.setCartItem, { params, body: { quantity } });
      // Both answer with the whole cart: it replaces the cached one instead of a second request.
      client.setQueryData(keyOf(api.shop.cart), next);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="stack" data-testid="cart-page">
      <BuyerNav />
      {cartError && <ErrorMessage error={cartError} onRetry={() => void cart.refetch()} testId="cart-error" />}
      {!cart.data && !cartError && <Loading testId="cart-loading" />}
      {error !== null && <ErrorMessage error={error} testId="cart-action-error" />}
      {cart.data && cart.data.carts.length === 0 && <Empty testId="cart-empty">{t('shop.cartEmpty')}</Empty>}
      {cart.data?.carts.map((c) => {
        const blocked = c.lines.some((l) => l.problem !== null);
        return (
          <article key={c.seller.id} className="panel stack-tight" data-testid="seller-cart">
            <Link to={`/shop/store/${c.seller.handle}`} className={styles['seller-row']}>
              <Avatar user={c.seller} size={28} />
              <strong>{c.seller.displayName}</strong>
            </Link>
            <ul className={styles.lines}>
              {c.lines.map((l) => (
                <li key={l.variantId} className={styles.line} data-testid="cart-line">
                  {l.imageUrl ? (
                    <img src={l.imageUrl} alt="" className={styles['line-img']} />
                  ) : (
                    <span className={styles['line-img']} aria-hidden="true" />
                  )}
                  <span className={cx(styles['stack-0'], 'grow')}>
                    <Link to={`/p/${l.productId}`}>{l.title}</Link>
                    <span className="small muted">{[l.sku, optionsText(l.options)].filter(Boolean).join(' · ')}</span>
                    <span className="small">{formatMoney(l.lineTotal.amount, l.lineTotal.currency, lang)}</span>
                    {l.problem && (
                      <span className="small field-problem" data-testid="cart-line-problem">
                        {t(`shop.cartProblem.${l.problem}`, { count: l.available })}
                      </span>
                    )}
                  </span>
                  <span className={cx(styles['stack-0'], styles.end)}>
                    <Stepper
                      value={l.quantity}
                      min={1}
                      max={Math.max(1, Math.min(99, l.available))}
                      disabled={busy !== null}
                      onChange={(q) => void change(l, q)}
                      testId="cart-qty"
                    />
                    <button
                      type="button"
                      className="btn btn-quiet btn-small"
                      disabled={busy !== null}
                      onClick={() => void change(l, null)}
                      data-testid="cart-remove"
                    >
                      {t('shop.remove')}
                    </button>
                  </span>
                </li>
              ))}
            </ul>
            <div className={styles['row-between']}>
              <span>
                {t('shop.subtotal')}{' '}
                <strong data-testid="cart-subtotal">{formatMoney(c.subtotal.amount, c.subtotal.currency, lang)}</strong>
              </span>
              {blocked ? (
                <span className="btn btn-primary btn-small" aria-disabled="true">
                  {t('shop.checkout')}
                </span>
              ) : (
                <Link to={`/shop/checkout?seller=${c.seller.id}`} className="btn btn-primary btn-small" data-testid="cart-checkout">
                  {t('shop.checkout')}
                </Link>
              )}
            </div>
          </article>
        );
      })}
    </section>
  );
}

const CLAIM_TABS = CouponClaimStatus.options;

export function MyCouponsPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState<(typeof CLAIM_TABS)[number]>('available');
  const list = useApiQuery(api.shop.myCoupons, { query: { status } }, { placeholderData: keepPreviousData });
  const listError = settledError(list);
  return (
    <section className="stack" data-testid="my-coupons-page">
      <BuyerNav />
      <div className={styles['chips-scroll']} role="group">
        {CLAIM_TABS.map((s) => (
          <button
            key={s}
            type="button"
            className={cx(styles.chip, s === status && styles['chip-on'])}
            aria-pressed={s === status}
            onClick={() => setStatus(s)}
            data-testid={`claims-${s}`}
          >
            {t(`shop.claim.${s}`)}
          </button>
        ))}
      </div>
      {listError && <ErrorMessage error={listError} onRetry={() => void list.refetch()} />}
      {list.isFetching && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && <Empty testId="coupons-empty">{t('shop.noCoupons')}</Empty>}
      {list.data?.items.map((c) => (
        <CouponTicket key={c.id} coupon={c.coupon}>
          <Link to={`/shop/store/${c.coupon.seller.handle}`} className="small">
            {c.coupon.seller.displayName}
          </Link>
        </CouponTicket>
      ))}
    </section>
  );
}

/** A seller's shop: who they are, coupons to claim, and their products. */
export function StorePage() {
  const { handle = '' } = useParams();
  const { t } = useI18n();
  const { me } = useSession();
  const shop = useApiQuery(api.shop.shopOf, { params: { handle } });
  const products = useApiQuery(api.shop.sellerProducts, { params: { handle }, query: { limit: 50 } });
  const coupons = useShopCoupons(handle);
  const shopError = settledError(shop);
  const productsError = settledError(products);
  if (shopError) return <ErrorMessage error={shopError} onRetry={() => void shop.refetch()} testId="store-error" />;
  if (!shop.data) return <Loading testId="store-loading" />;
  const s = shop.data;
  return (
    <section className="stack" data-testid="store-page">
      <div className={styles['seller-row']}>
        <Avatar user={s.seller} size={56} />
        <span className={styles['stack-0']}>
          <h1 data-testid="store-name">{s.name}</h1>
          <Link to={`/u/${s.seller.handle}`} className="small muted">
            @{s.seller.handle}
          </Link>
        </span>
      </div>
      {s.score && <StoreScoreBadge score={s.score} detailed />}
      {s.description && <p className={styles['pre-wrap']}>{s.description}</p>}
      {coupons.data && coupons.data.items.length > 0 && (
        <section className="stack-tight" data-testid="store-coupons">
          <h2 className="section-title">{t('shop.coupons')}</h2>
          {coupons.data.items.map((c) => (
            <CouponTicket key={c.id} coupon={c} claimable={me?.id !== s.seller.id} />
          ))}
        </section>
      )}
      <h2 className="section-title">{t('shop.products')}</h2>
      <ShopSearch shop={s}>
        {productsError && <ErrorMessage error={productsError} onRetry={() => void products.refetch()} />}
        {!products.data && !productsError && <Loading />}
        {products.data && products.data.items.length === 0 && <Empty>{t('shop.noProductsYet')}</Empty>}
        <div className={styles['pcard-grid']}>
          {products.data?.items.map((p) => (
            <ProductCard key={p.id} card={p} via={{ surface: 'profile', surfaceId: s.seller.id }} />
          ))}
        </div>
      </ShopSearch>
    </section>
  );
}
