import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import type { Product } from '@tremolo/protocol';
import { Avatar } from '../../components/Avatar.tsx';
import { CouponTicket } from '../../components/shop/CouponTicket.tsx';
import { RatingLine } from '../../components/shop/Stars.tsx';
import { noteServerTime } from '../../components/shop/live.ts';
import { parseVia, recordTouch, settledError, useShopCoupons, viaParam } from '../../components/shop/util.ts';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { call } from '../../lib/client.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { formatMoney } from '../../lib/money.ts';
import { useApiMutation, useApiQuery } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';
import { FlashOffer, initialVariantId, useFlashOffer, VariantChooser } from './VariantChooser.tsx';
import { ProductReviews } from './reviews/ProductReviews.tsx';
import { ProductLiveMoments } from './ProductLiveMoments.tsx';
import styles from '../../components/shop/shop.module.css';
import { cx } from '../../lib/cx.ts';
import { ShareSheet } from '../../components/share/ShareSheet.tsx';
import { ReportSheet } from '../../components/ReportSheet.tsx';

export function ProductPage() {
  const { id = '' } = useParams();
  const product = useApiQuery(api.shop.product, { params: { id } });
  const failed = settledError(product);
  if (failed) return <ErrorMessage error={failed} onRetry={() => void product.refetch()} testId="product-error" />;
  if (!product.data) return <Loading testId="product-loading" />;
  return <ProductView product={product.data} />;
}

function ProductView({ product }: { product: Product }) {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const via = useMemo(() => parseVia(params.get('via')), [params]);
  const touch = via ?? { surface: 'direct' as const };
  const active = product.variants.filter((v) => v.active);
  const [variantId, setVariantId] = useState(() => initialVariantId(product));
  const [qty, setQty] = useState(1);
  const [added, setAdded] = useState(false);
  const [sharing, setSharing] = useState(false);
  const [reporting, setReporting] = useState(false);
  const adding = useApiMutation(api.shop.setCartItem, { invalidates: [api.shop.cart], onSuccess: () => setAdded(true) });
  const busy = adding.isPending;
  const error = adding.error;
  const { sale, phase, now, left } = useFlashOffer(product);
  const variant = active.find((v) => v.id === variantId) ?? null;
  const isOwner = me?.id === product.seller.id;
  const coupons = useShopCoupons(product.seller.handle);

  // Where the person came from: a click through from that surface, or a direct view.
  useEffect(() => {
    if (isOwner) return;
    if (via) recordTouch(product.id, 'click', via);
    else recordTouch(product.id, 'view', { surface: 'direct' });
  }, [product.id, via, isOwner]);

  // The countdown corrects for this device's clock with the server's.
  useEffect(() => {
    if (!sale) return;
    // Straight from the server, not the cache: a cached server time would set the clock wrong.
    call(api.shop.flashSale, { params: { id: sale.id } })
      .then((s) => noteServerTime(s.serverTime))
      .catch(() => undefined);
  }, [sale]);

  const viaQ = via ? `&via=${encodeURIComponent(viaParam(via))}` : '';
  const needLogin = () => void navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);

  const addToCart = () => {
    if (!me) return needLogin();
    if (!variant) return;
    setAdded(false);
    adding.mutate({ params: { variantId: variant.id }, body: { quantity: qty, touch } });
  };
  const buyNow = () => {
    if (!me) return needLogin();
    if (!variant) return;
    void navigate(`/shop/checkout?seller=${product.seller.id}&items=${variant.id}:${qty}${viaQ}`);
  };
  const grab = () => {
    if (!me) return needLogin();
    if (!sale) return;
    void navigate(`/shop/checkout?seller=${product.seller.id}&flash=${sale.id}${viaQ}`);
  };

  const price = variant?.price ?? null;
  return (
    <article className="stack product-page" data-testid="product-page">
      {product.images.length > 0 ? (
        <div className={styles.gallery} data-testid="product-gallery">
          {product.images.map((im) => (
            <img key={im.id} src={im.url} alt="" width={im.width} height={im.height} />
          ))}
        </div>
      ) : (
        <div className={cx(styles.gallery, styles['gallery-empty'])} aria-hidden="true" />
      )}
      <div className="stack-tight">
        {product.status !== 'published' && (
          <span className="pill" data-testid="product-status">
            {t(`shop.status.${product.status}`)}
          </span>
        )}
        <h1 data-testid="product-title">{product.title}</h1>
        <span className={styles['product-page-price']} data-testid="product-price">
          {price ? formatMoney(price.amount, price.currency, lang) : '—'}
        </span>
        {product.card.rating && <RatingLine rating={product.card.rating} testId="product-rating" />}
        {product.status === 'published' && (
          <button type="button" className="btn btn-small btn-ghost" onClick={() => setSharing(true)} data-testid="product-share">
            {t('sheet.share')}
          </button>
        )}
        {me && me.id !== product.seller.id && (
          <button
            type="button"
            className="btn btn-small btn-ghost btn-quiet"
            onClick={() => setReporting(true)}
            data-testid="product-report"
          >
            {t('report.action')}
          </button>
        )}
      </div>
      {reporting && <ReportSheet surface="product" targetId={product.id} onClose={() => setReporting(false)} />}
      {sharing && (
        <ShareSheet
          item={{
            target: { type: 'product', id: product.id },
            path: `/p/${product.id}`,
            title: product.title,
            subtitle: `${price ? formatMoney(price.amount, price.currency, lang) : ''} · ${product.seller.displayName}`,
            image: product.images[0]?.url ?? null,
          }}
          onClose={() => setSharing(false)}
        />
      )}

      {sale && phase && phase !== 'ended' && phase !== 'cancelled' && (
        <FlashOffer sale={sale} phase={phase} now={now} left={left}>
          {!isOwner && (
            <button type="button" className="btn btn-primary btn-block" disabled={phase !== 'live'} onClick={grab} data-testid="flash-grab">
              {phase === 'sold_out'
                ? t('shop.soldOut')
                : phase === 'upcoming'
                  ? t('shop.flashSoon')
                  : t('shop.grabFor', { price: formatMoney(sale.price.amount, sale.price.currency, lang) })}
            </button>
          )}
        </FlashOffer>
      )}

      <VariantChooser product={product} variantId={variantId} onVariant={setVariantId} qty={qty} onQty={setQty} />
      {error && <ErrorMessage error={error} testId="product-action-error" />}
      {added && (
        <p className="success" role="status" data-testid="added-to-cart">
          {t('shop.addedToCart')} <Link to="/shop/cart">{t('shop.viewCart')}</Link>
        </p>
      )}

      {coupons.data && coupons.data.items.length > 0 && (
        <section className="stack-tight" data-testid="product-coupons">
          <h2 className="section-title">{t('shop.coupons')}</h2>
          {coupons.data.items.map((c) => (
            <CouponTicket key={c.id} coupon={c} claimable={!isOwner} />
          ))}
        </section>
      )}

      {product.description && (
        <section className="stack-tight">
          <h2 className="section-title">{t('shop.description')}</h2>
          <p className={styles['pre-wrap']} data-testid="product-description">
            {product.description}
          </p>
        </section>
      )}

      <ProductReviews product={product} />
      <ProductLiveMoments productId={product.id} />

      <Link to={`/shop/store/${product.seller.handle}`} className={styles['seller-row']} data-testid="product-seller">
        <Avatar user={product.seller} size={40} />
        <span className={styles['stack-0']}>
          <strong>{product.seller.displayName}</strong>
          <span className="small muted">{t('shop.visitShop')}</span>
        </span>
      </Link>
      {/* Last in the page so that, sticky at the bottom, it stays in view wherever the page is scrolled. */}
      {!isOwner ? (
        <div className={cx('actions-row', styles['buy-row'], styles['buy-bar'])} data-testid="buy-bar">
          <button
            type="button"
            className="btn btn-ghost"
            disabled={busy || !variant || variant.stock <= 0}
            onClick={addToCart}
            data-testid="add-to-cart"
          >
            {busy ? t('common.working') : t('shop.addToCart')}
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={!variant || variant.stock <= 0}
            onClick={buyNow}
            data-testid="buy-now"
          >
            {variant && variant.stock <= 0 ? t('shop.soldOut') : t('shop.buyNow')}
          </button>
        </div>
      ) : (
        <Link to={`/shop/seller/products/${product.id}`} className="btn btn-ghost btn-block" data-testid="product-edit">
          {t('shop.editProduct')}
        </Link>
      )}
    </article>
  );
}
