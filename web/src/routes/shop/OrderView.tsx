import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { Order } from '@tremolo/protocol';
import { Field } from '../../components/Field.tsx';
import { ErrorMessage } from '../../components/Status.tsx';
import { clock, useNow } from '../../components/shop/live.ts';
import { newKey } from '../../components/shop/util.ts';
import { ApiError } from '../../lib/api.ts';
import { call } from '../../lib/client.ts';
import { isMessageKey, useI18n } from '../../lib/i18n.tsx';
import { formatMoney } from '../../lib/money.ts';
import { timeAgo } from '../../lib/time.ts';
import { optionsText, StatusPill } from './common.tsx';
import { OrderReviews } from './reviews/OrderReviews.tsx';
import { OrderAftersales, useOpenAftersales } from './aftersales/OrderAftersales.tsx';
import styles from '../../components/shop/shop.module.css';
import { cx } from '../../lib/cx.ts';

type Role = 'buyer' | 'seller';

/** One order in full, with what this person may do to it now. */
export function OrderView({
  order,
  role,
  onChange,
  compact,
}: {
  order: Order;
  role: Role;
  onChange: (o: Order) => void;
  compact?: boolean;
}) {
  const { t, lang } = useI18n();
  const money = (n: number) => formatMoney(n, order.currency, lang);
  const failureText = (reason: string) => {
    const key = `shop.payFail.${reason}`;
    return isMessageKey(key) ? t(key) : t('shop.payFail.other');
  };
  const other = role === 'buyer' ? order.seller : order.buyer;
  return (
    <article className="order panel stack-tight" data-testid="order" data-order-id={order.id} data-status={order.status}>
      <header className={styles['row-between']}>
        <span className={styles['stack-0']}>
          <strong>
            {role === 'buyer' ? t('shop.orderFrom', { name: other.displayName }) : t('shop.orderBy', { name: other.displayName })}
          </strong>
          <span className="small muted">{timeAgo(order.createdAt, lang)}</span>
        </span>
        <StatusPill status={order.status} />
      </header>
      <ul className={styles.lines}>
        {order.items.map((i) => (
          <li key={i.id} className={styles.line}>
            {i.imageUrl ? (
              <img src={i.imageUrl} alt="" className={styles['line-img']} />
            ) : (
              <span className={styles['line-img']} aria-hidden="true" />
            )}
            <span className={cx(styles['stack-0'], 'grow')}>
              <Link to={`/p/${i.productId}`}>{i.title}</Link>
              <span className="small muted">
                {[i.sku, optionsText(i.options)].filter(Boolean).join(' · ')} × {i.quantity}
              </span>
            </span>
            <span>{money(i.lineTotal)}</span>
          </li>
        ))}
      </ul>
      <dl className={styles.totals}>
        {order.discount > 0 && (
          <div>
            <dt>{t('shop.discount')}</dt>
            <dd>−{money(order.discount)}</dd>
          </div>
        )}
        <div className={styles.total}>
          <dt>{t('shop.total')}</dt>
          <dd data-testid="order-total">{money(order.total)}</dd>
        </div>
      </dl>
      {order.flashSaleId && <span className={cx('pill', styles['flash-pill'])}>{t('shop.flashSale')}</span>}
      {!compact && (
        <p className="small muted" data-testid="order-address">
          {t('shop.shipTo')}: {order.address.name}, {order.address.phone},{' '}
          {[
            order.address.line1,
            order.address.line2,
            order.address.city,
            order.address.region,
            order.address.postalCode,
            order.address.country,
          ]
            .filter(Boolean)
            .join(', ')}
        </p>
      )}
      {compact && role === 'seller' && (
        // The seller ships to this: the street and phone must be on the card they work from.
        <p className="small muted" data-testid="order-address">
          {order.address.name} · <a href={`tel:${order.address.phone}`}>{order.address.phone}</a> ·{' '}
          {[order.address.line1, order.address.line2, order.address.city, order.address.region, order.address.postalCode]
            .filter(Boolean)
            .join(', ')}
        </p>
      )}
      {order.shipment && (
        <p className="small" data-testid="order-shipment">
          {t('shop.shippedWith', { carrier: order.shipment.carrier, tracking: order.shipment.trackingNumber })}
        </p>
      )}
      {order.payment && (
        <p className="small muted" data-testid="order-payment">
          {t('shop.paymentLine', { status: t(`shop.payment.${order.payment.status}`), last4: order.payment.last4 ?? '····' })}
          {order.payment.failureReason ? ` — ${failureText(order.payment.failureReason)}` : ''}
        </p>
      )}
      {order.cancelReason && <p className="small muted">{t('shop.cancelReason', { reason: order.cancelReason })}</p>}
      {order.refundReason && <p className="small muted">{t('shop.refundReason', { reason: order.refundReason })}</p>}
      {role === 'seller' && order.attribution.lastTouch && (
        <p className="small muted" data-testid="order-surface">
          {t('shop.cameFrom', { surface: t(`shop.surface.${order.attribution.lastTouch.surface}`) })}
        </p>
      )}
      {!compact && order.history.length > 0 && (
        <ol className={styles.timeline} data-testid="order-history">
          {order.history.map((h, i) => (
            <li key={`${h.at}-${i}`}>
              <span>
                {i > 0 && h.actor === 'seller' && h.status === 'paid' && order.history[i - 1]?.status === 'paid'
                  ? t('shop.confirmed')
                  : t(`orderStatus.${h.status}`)}
              </span>
              <span className="small muted">{new Date(h.at).toLocaleString(lang, { dateStyle: 'short', timeStyle: 'short' })}</span>
            </li>
          ))}
        </ol>
      )}
      {role === 'buyer' ? <BuyerActions order={order} onChange={onChange} /> : <SellerActions order={order} onChange={onChange} />}
      {!compact && order.shipment && <OrderAftersales order={order} role={role} />}
      {!compact && order.deliveredAt && <OrderReviews order={order} role={role} />}
    </article>
  );
}

/** After an order changed: the lists it appears in (and coupons a cancel gave back) are asked for again. */
function useOrderChanged(onChange: (o: Order) => void) {
  const client = useQueryClient();
  return (o: Order) => {
    onChange(o);
    for (const e of [api.shop.orders, api.shop.sellerOrders, api.shop.myCoupons]) void client.invalidateQueries({ queryKey: [e.path] });
  };
}

function useAct(order: Order, onChange: (o: Order) => void) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const changed = useOrderChanged(onChange);
  const params = { id: order.id };
  const actions = {
    receive: () => call(api.shop.receiveOrder, { params }),
    confirm: () => call(api.shop.confirmOrder, { params }),
    cancel: () => call(api.shop.cancelOrder, { params, body: {} }),
    'refund-reject': () => call(api.shop.rejectRefund, { params, body: {} }),
    'refund-request': (reason: string) => call(api.shop.requestRefund, { params, body: { reason } }),
    ship: (carrier: string, trackingNumber: string) => call(api.shop.shipOrder, { params, body: { carrier, trackingNumber } }),
    refund: (restock: boolean) => call(api.shop.refundOrder, { params, body: { restock } }),
  };
  const act = async (name: keyof typeof actions, run: (a: typeof actions) => Promise<Order>) => {
    setBusy(name);
    setError(null);
    try {
      changed(await run(actions));
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(null);
    }
  };
  return { busy, error, act };
}

function BuyerActions({ order, onChange }: { order: Order; onChange: (o: Order) => void }) {
  const { t } = useI18n();
  const { busy, error, act } = useAct(order, onChange);
  const [refunding, setRefunding] = useState(false);
  const [reason, setReason] = useState('');
  const processing = order.payment?.status === 'processing';
  return (
    <div className="stack-tight">
      {order.status === 'pending_payment' && !processing && <PayForm order={order} onChange={onChange} />}
      {order.status === 'pending_payment' && processing && (
        <p className="note" role="status" data-testid="payment-processing">
          <span className="spinner" aria-hidden="true" /> {t('shop.paymentProcessing')}
        </p>
      )}
      {error !== null && <ErrorMessage error={error} testId="order-action-error" />}
      <div className={cx('actions-row', styles.wrap)}>
        {order.status === 'shipped' && (
          <button
            type="button"
            className="btn btn-primary btn-small"
            disabled={busy !== null}
            onClick={() => void act('receive', (a) => a.receive())}
            data-testid="order-receive"
          >
            {t('shop.confirmReceipt')}
          </button>
        )}
        {(order.status === 'shipped' || order.status === 'delivered') && !refunding && (
          <button type="button" className="btn btn-ghost btn-small" onClick={() => setRefunding(true)} data-testid="order-refund-request">
            {t('shop.requestRefund')}
          </button>
        )}
        {(order.status === 'pending_payment' || order.status === 'paid') && !processing && (
          <button
            type="button"
            className="btn btn-ghost btn-small"
            disabled={busy !== null}
            onClick={() => {
              if (confirm(t('shop.cancelConfirm'))) void act('cancel', (a) => a.cancel());
            }}
            data-testid="order-cancel"
          >
            {busy === 'cancel' ? t('common.working') : t('shop.cancelOrder')}
          </button>
        )}
      </div>
      {refunding && (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            void act('refund-request', (a) => a['refund-request'](reason)).then((ok) => ok && setRefunding(false));
          }}
          data-testid="refund-request-form"
        >
          <Field
            id="refund-reason"
            label={t('shop.refundWhy')}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            required
            maxLength={300}
          />
          <div className="actions-row">
            <button
              type="submit"
              className="btn btn-primary btn-small"
              disabled={busy !== null || !reason.trim()}
              data-testid="refund-request-submit"
            >
              {t('shop.requestRefund')}
            </button>
            <button type="button" className="btn btn-ghost btn-small" onClick={() => setRefunding(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

export function PayForm({ order, onChange }: { order: Order; onChange: (o: Order) => void }) {
  const { t, lang } = useI18n();
  const [number, setNumber] = useState('');
  const [exp, setExp] = useState('');
  const [cvc, setCvc] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const changed = useOrderChanged(onChange);
  const key = useRef<string | null>(null);
  const due = order.paymentDueAt ? Date.parse(order.paymentDueAt) : null;
  const now = useNow(due !== null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    // A retry after a lost answer reuses the key, so the card is never charged twice.
    key.current ??= newKey('pay');
    const m = /^(\d{1,2})\s*\/\s*(\d{2,4})$/.exec(exp.trim());
    const expiry = m ? { expMonth: Number(m[1]), expYear: m[2]!.length === 2 ? 2000 + Number(m[2]) : Number(m[2]) } : {};
    try {
      const r = await call(api.shop.pay, {
        params: { id: order.id },
        body: { paymentMethod: { type: 'card', number, ...expiry, ...(cvc ? { cvc } : {}) }, idempotencyKey: key.current },
      });
      key.current = null;
      changed(r.order);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'network')) key.current = null;
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className={cx('form', styles.pay)} onSubmit={(e) => void submit(e)} data-testid="pay-form">
      <div className={styles['row-between']}>
        <h2 className="section-title">{t('shop.pay')}</h2>
        {due !== null && (
          <span className="small accent" data-testid="pay-due">
            {t('shop.payWithin', { time: clock(due - now) })}
          </span>
        )}
      </div>
      <Field
        id="pay-number"
        label={t('shop.cardNumber')}
        hint={t('shop.testCards')}
        value={number}
        onChange={(e) => setNumber(e.target.value)}
        inputMode="numeric"
        autoComplete="cc-number"
        placeholder="4242 4242 4242 4242"
        required
      />
      <div className={styles['grid-2']}>
        <Field
          id="pay-exp"
          label={t('shop.cardExpiry')}
          value={exp}
          onChange={(e) => setExp(e.target.value)}
          placeholder="12/30"
          autoComplete="cc-exp"
          inputMode="numeric"
        />
        <Field
          id="pay-cvc"
          label={t('shop.cardCvc')}
          value={cvc}
          onChange={(e) => setCvc(e.target.value.replace(/\D/g, '').slice(0, 4))}
          placeholder="123"
          autoComplete="cc-csc"
          inputMode="numeric"
        />
      </div>
      {error !== null && <ErrorMessage error={error} testId="pay-error" />}
      <button type="submit" className="btn btn-primary btn-block" disabled={busy || !number.trim()} data-testid="pay-submit">
        {busy ? t('shop.paying') : t('shop.payAmount', { total: formatMoney(order.total, order.currency, lang) })}
      </button>
    </form>
  );
}

function SellerActions({ order, onChange }: { order: Order; onChange: (o: Order) => void }) {
  const { t } = useI18n();
  const { busy, error, act } = useAct(order, onChange);
  const [shipping, setShipping] = useState(false);
  const [carrier, setCarrier] = useState('');
  const [tracking, setTracking] = useState('');
  const [refunding, setRefunding] = useState(false);
  const [restock, setRestock] = useState(true);
  const shipProblems = error instanceof ApiError ? Object.fromEntries(error.issues.map((i) => [i.path, i.message])) : {};
  const refundable = order.status === 'refund_requested' || order.status === 'shipped' || order.status === 'delivered';
  const aftersalesOpen = useOpenAftersales(order.id, refundable && order.shipment !== null);
  const canRefund = refundable && !aftersalesOpen;
  return (
    <div className="stack-tight">
      {error !== null && <ErrorMessage error={error} testId="order-action-error" />}
      {aftersalesOpen && (
        <p className="small muted" data-testid="order-refund-waits">
          {t('aftersales.answerFirst')}
        </p>
      )}
      <div className={cx('actions-row', styles.wrap)}>
        {order.status === 'paid' && !order.confirmedAt && (
          <button
            type="button"
            className="btn btn-ghost btn-small"
            disabled={busy !== null}
            onClick={() => void act('confirm', (a) => a.confirm())}
            data-testid="order-confirm"
          >
            {t('shop.confirmOrder')}
          </button>
        )}
        {order.status === 'paid' && order.confirmedAt && (
          <span className="pill" data-testid="order-confirmed">
            {t('shop.confirmed')}
          </span>
        )}
        {order.status === 'paid' && !shipping && (
          <button type="button" className="btn btn-primary btn-small" onClick={() => setShipping(true)} data-testid="order-ship">
            {t('shop.ship')}
          </button>
        )}
        {canRefund && !refunding && (
          <button type="button" className="btn btn-ghost btn-small" onClick={() => setRefunding(true)} data-testid="order-refund">
            {order.status === 'refund_requested' ? t('shop.grantRefund') : t('shop.refund')}
          </button>
        )}
        {order.status === 'refund_requested' && (
          <button
            type="button"
            className="btn btn-ghost btn-small"
            disabled={busy !== null}
            onClick={() => void act('refund-reject', (a) => a['refund-reject']())}
            data-testid="order-refund-reject"
          >
            {t('shop.rejectRefund')}
          </button>
        )}
        {(order.status === 'pending_payment' || order.status === 'paid') && (
          <button
            type="button"
            className="btn btn-quiet btn-small"
            disabled={busy !== null}
            onClick={() => {
              if (confirm(t('shop.cancelConfirm'))) void act('cancel', (a) => a.cancel());
            }}
            data-testid="order-cancel"
          >
            {t('shop.cancelOrder')}
          </button>
        )}
      </div>
      {shipping && order.status === 'paid' && (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            void act('ship', (a) => a.ship(carrier, tracking)).then((ok) => ok && setShipping(false));
          }}
          data-testid="ship-form"
        >
          <div className={styles['grid-2']}>
            <Field
              id={`ship-carrier-${order.id}`}
              label={t('shop.carrier')}
              value={carrier}
              onChange={(e) => setCarrier(e.target.value)}
              required
              maxLength={40}
              placeholder={t('shop.carrierPlaceholder')}
              data-testid="ship-carrier"
              problem={shipProblems['carrier'] ?? null}
            />
            <Field
              id={`ship-tracking-${order.id}`}
              label={t('shop.trackingNumber')}
              value={tracking}
              onChange={(e) => setTracking(e.target.value)}
              required
              maxLength={40}
              data-testid="ship-tracking"
              problem={shipProblems['trackingNumber'] ?? null}
            />
          </div>
          <div className="actions-row">
            <button type="submit" className="btn btn-primary btn-small" disabled={busy !== null} data-testid="ship-submit">
              {busy === 'ship' ? t('common.working') : t('shop.markShipped')}
            </button>
            <button type="button" className="btn btn-ghost btn-small" onClick={() => setShipping(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
      {refunding && canRefund && (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            void act('refund', (a) => a.refund(restock)).then((ok) => ok && setRefunding(false));
          }}
          data-testid="refund-form"
        >
          <label className={styles.check}>
            <input type="checkbox" checked={restock} onChange={(e) => setRestock(e.target.checked)} data-testid="refund-restock" />
            {t('shop.restock')}
          </label>
          <div className="actions-row">
            <button type="submit" className="btn btn-danger btn-small" disabled={busy !== null} data-testid="refund-submit">
              {t('shop.refundAmount')}
            </button>
            <button type="button" className="btn btn-ghost btn-small" onClick={() => setRefunding(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
