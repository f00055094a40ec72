import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import { Link } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import type { Order, Product, TouchContext } from '@tremolo/protocol';
import { noteServerTime } from '../../components/shop/live.ts';
import { recordTouch, settledError, useIdempotencyKey } from '../../components/shop/util.ts';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { ApiError } from '../../lib/api.ts';
import { call } from '../../lib/client.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { formatMoney } from '../../lib/money.ts';
import { useApiMutation, useApiQuery } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';
import { AddressPicker } from './AddressPicker.tsx';
import { PayForm } from './OrderView.tsx';
import { FlashOffer, initialVariantId, useFlashOffer, VariantChooser } from './VariantChooser.tsx';
import sheet from '../../components/share/sheet.module.css';

/**
 * Buying over a live surface (a room's pinned product): variant, quantity, address, order and
 * payment in a bottom sheet, so the page underneath (the room, its stream and chat) stays mounted.
 * The order carries `via`, so the sale counts for that surface.
 */
export default function BuySheet({ productId, via, onClose }: { productId: string; via: TouchContext; onClose: () => void }) {
  const { t } = useI18n();
  const product = useApiQuery(api.shop.product, { params: { id: productId } }, { staleTime: 0 });
  const failed = settledError(product);

  useEffect(() => recordTouch(productId, 'click', via), [productId, via]);

  // On <body>: the room's stage and chat are their own stacking contexts.
  return createPortal(
    <div
      className={sheet.backdrop}
      onClick={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
      role="presentation"
    >
      <section className={sheet.sheet} role="dialog" aria-modal="true" aria-label={t('shop.buySheet.title')} data-testid="buy-sheet">
        <div className={sheet.head}>
          <strong>{t('shop.buySheet.title')}</strong>
          <button type="button" className="btn btn-small btn-ghost" onClick={onClose} data-testid="buy-sheet-close">
            {t('shop.buySheet.close')}
          </button>
        </div>
        {failed && <ErrorMessage error={failed} onRetry={() => void product.refetch()} testId="buy-sheet-error" />}
        {!failed && !product.data && <Loading testId="buy-sheet-loading" />}
        {product.data && <Purchase product={product.data} via={via} onClose={onClose} />}
      </section>
    </div>,
    document.body,
  );
}

function Purchase({ product, via, onClose }: { product: Product; via: TouchContext; onClose: () => void }) {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const [variantId, setVariantId] = useState(() => initialVariantId(product));
  const [qty, setQty] = useState(1);
  const [addressId, setAddressId] = useState<string | null>(null);
  const [order, setOrder] = useState<Order | null>(null);
  const { sale, phase, now, left } = useFlashOffer(product);
  const variant = product.variants.find((v) => v.id === variantId && v.active) ?? null;
  // The flash price applies to the sale's variant while the sale is on; other variants sell at their price.
  const flash = sale && phase === 'live' && variantId === sale.variantId ? sale : null;
  const unit = flash ? flash.price : (variant?.price ?? null);

  // The countdown corrects for this device's clock with the server's (straight from the server, not the cache).
  useEffect(() => {
    if (!sale) return;
    call(api.shop.flashSale, { params: { id: sale.id } })
      .then((s) => noteServerTime(s.serverTime))
      .catch(() => undefined);
  }, [sale]);

  const done = { invalidates: [api.shop.orders, api.shop.flashSale, api.shop.product], onSuccess: setOrder };
  const regular = useApiMutation(api.shop.checkout, done);
  const grab = useApiMutation(api.shop.flashCheckout, done);
  const placing = flash ? grab : regular;
  const key = useIdempotencyKey('live-buy', [product.id, variantId, qty, addressId, flash?.id]);

  if (me?.id === product.seller.id) return <p className="note">{t('shop.buySheet.own')}</p>;

  if (order) return <Paying order={order} onOrder={setOrder} onClose={onClose} />;

  const soldOut = (placing.error instanceof ApiError && placing.error.code === 'sold_out') || (sale !== null && phase === 'sold_out');
  const outOfStock = !flash && (!variant || variant.stock <= 0);
  const place = () => {
    if (!addressId || !variant) return;
    const touch = via;
    if (flash) grab.mutate({ params: { id: flash.id }, body: { quantity: qty, addressId, touch, idempotencyKey: key } });
    else
      regular.mutate({
        body: { sellerId: product.seller.id, items: [{ variantId: variant.id, quantity: qty }], addressId, touch, idempotencyKey: key },
      });
  };
  const total = unit ? formatMoney(unit.amount * qty, unit.currency, lang) : '—';
  return (
    <>
      <div className={sheet.what}>
        {product.images[0] ? <img src={product.images[0].url} alt="" /> : <span className={sheet.blank} aria-hidden="true" />}
        <span>
          <strong data-testid="buy-sheet-title">{product.title}</strong>
          <br />
          <span className="small" data-testid="buy-sheet-price">
            {unit ? formatMoney(unit.amount, unit.currency, lang) : '—'}
          </span>
        </span>
      </div>
      {sale && phase && phase !== 'ended' && phase !== 'cancelled' && <FlashOffer sale={sale} phase={phase} now={now} left={left} />}
      <VariantChooser
        product={product}
        variantId={variantId}
        onVariant={setVariantId}
        qty={qty}
        onQty={setQty}
        {...(flash ? { maxQty: flash.perUserLimit } : {})}
      />
      <AddressPicker value={addressId} onChange={setAddressId} />
      {soldOut ? (
        <div className="error-box" role="alert" data-testid="buy-sheet-sold-out">
          {t('shop.buySheet.soldOut')}
        </div>
      ) : (
        placing.error && <ErrorMessage error={placing.error} testId="buy-sheet-order-error" />
      )}
      <button
        type="button"
        className="btn btn-primary btn-block"
        disabled={placing.isPending || !addressId || soldOut || outOfStock}
        onClick={place}
        data-testid="buy-sheet-order"
      >
        {soldOut || outOfStock
          ? t('shop.soldOut')
          : placing.isPending
            ? t('common.working')
            : flash
              ? t('shop.grabFor', { price: total })
              : t('shop.buySheet.order', { total })}
      </button>
    </>
  );
}

/** The order is placed: pay it here; once paid, say so and let the person go back to watching. */
function Paying({ order, onOrder, onClose }: { order: Order; onOrder: (o: Order) => void; onClose: () => void }) {
  const { t, lang } = useI18n();
  const processing = order.status === 'pending_payment' && order.payment?.status === 'processing';
  return (
    <div className="stack-tight" data-testid="buy-sheet-order-placed" data-order-id={order.id} data-status={order.status}>
      <p className="small muted">
        {order.items.map((i) => `${i.title} × ${i.quantity}`).join(', ')} ·{' '}
        {t('shop.buySheet.total', { total: formatMoney(order.total, order.currency, lang) })}
      </p>
      {order.status === 'pending_payment' && !processing && <PayForm order={order} onChange={onOrder} />}
      {processing && (
        <p className="note" role="status" data-testid="buy-sheet-processing">
          <span className="spinner" aria-hidden="true" /> {t('shop.buySheet.processing')}
        </p>
      )}
      {order.status === 'paid' && (
        <p className="success" role="status" data-testid="buy-sheet-paid">
          {t('shop.buySheet.paid')}
        </p>
      )}
      {order.status !== 'pending_payment' && (
        <div className="actions-row">
          <button type="button" className="btn btn-primary" onClick={onClose} data-testid="buy-sheet-done">
            {t('shop.buySheet.keepWatching')}
          </button>
          <Link to={`/shop/orders/${order.id}`} className="btn btn-ghost" data-testid="buy-sheet-view-order">
            {t('shop.buySheet.viewOrder')}
          </Link>
        </div>
      )}
    </div>
  );
}
