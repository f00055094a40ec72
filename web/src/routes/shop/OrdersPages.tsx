import { useCallback, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Order, OrderStatus, type OrderUpdate } from '@tremolo/protocol';
import { Empty, ErrorMessage, Loading } from '../../components/Status.tsx';
import { useOrderUpdates } from '../../components/shop/live.ts';
import { useResource } from '../../components/shop/util.ts';
import { api, enc } from '../../lib/api.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { formatMoney } from '../../lib/money.ts';
import { useSession } from '../../lib/session.tsx';
import { timeAgo } from '../../lib/time.ts';
import { BuyerNav, OrderPage, SellerNav, StatusPill } from './common.tsx';
import { OrderView } from './OrderView.tsx';

/** One order (buyer or seller), kept current by the pushes on my channel. */
export function OrderDetailPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const order = useResource(() => api.get(`/api/v1/shop/orders/${enc(id)}`, Order), [id]);
  const { reload } = order;
  useOrderUpdates(
    (u) => {
      if (u.id === id) reload();
    },
    reload,
  );
  if (order.error !== null) return <ErrorMessage error={order.error} onRetry={order.reload} testId="order-error" />;
  if (!order.data) return <Loading testId="order-loading" />;
  const o = order.data;
  return <OrderDetail order={o} onChange={(n) => order.setData(n)} back={t('shop.orders')} />;
}

function OrderDetail({ order, onChange, back }: { order: Order; onChange: (o: Order) => void; back: string }) {
  const { me } = useSessionMe();
  const role = me === order.seller.id ? 'seller' : 'buyer';
  return (
    <section className="stack" data-testid="order-page">
      <Link to={role === 'seller' ? '/shop/seller/orders' : '/shop/orders'} className="back">
        ‹ {back}
      </Link>
      <OrderView order={order} role={role} onChange={onChange} />
    </section>
  );
}

function useSessionMe() {
  const { me } = useSession();
  return { me: me?.id ?? null };
}

const FILTERS: (OrderStatus | 'all')[] = ['all', 'pending_payment', 'paid', 'shipped', 'refund_requested', 'completed', 'refunded', 'cancelled'];

function useOrderList(url: string, status: OrderStatus | 'all') {
  const [more, setMore] = useState<{ items: Order[]; cursor: string | null; loading: boolean; error: unknown }>({ items: [], cursor: null, loading: false, error: null });
  const first = useResource(async () => {
    const q = new URLSearchParams({ limit: '20' });
    if (status !== 'all') q.set('status', status);
    const p = await api.get(`${url}?${q}`, OrderPage);
    setMore({ items: [], cursor: p.nextCursor, loading: false, error: null });
    return p.items;
  }, [url, status]);
  const loadMore = async () => {
    if (!more.cursor) return;
    setMore((m) => ({ ...m, loading: true, error: null }));
    try {
      const q = new URLSearchParams({ limit: '20', cursor: more.cursor });
      if (status !== 'all') q.set('status', status);
      const p = await api.get(`${url}?${q}`, OrderPage);
      setMore((m) => ({ items: [...m.items, ...p.items], cursor: p.nextCursor, loading: false, error: null }));
    } catch (e) {
      setMore((m) => ({ ...m, loading: false, error: e }));
    }
  };
  const { reload, setData } = first;
  const replace = useCallback(
    (o: Order) => {
      setData((prev) => prev?.map((x) => (x.id === o.id ? o : x)) ?? prev);
      setMore((m) => ({ ...m, items: m.items.map((x) => (x.id === o.id ? o : x)) }));
    },
    [setData],
  );
  const items = [...(first.data ?? []), ...more.items];
  return { first, items, more, loadMore, reload, replace };
}

/** My orders as a buyer; status changes arrive live. */
export function BuyerOrdersPage() {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState<OrderStatus | 'all'>('all');
  const list = useOrderList('/api/v1/shop/orders', status);
  const [live, setLive] = useState<Record<string, OrderUpdate>>({});
  useOrderUpdates(
    (u) => {
      if (u.role !== 'buyer') return;
      setLive((l) => ({ ...l, [u.id]: u }));
      if (!list.items.some((o) => o.id === u.id)) list.reload();
    },
    list.reload,
  );
  return (
    <section className="stack" data-testid="orders-page">
      <BuyerNav />
      <StatusFilter value={status} onChange={setStatus} />
      {list.first.error !== null && <ErrorMessage error={list.first.error} onRetry={list.reload} testId="orders-error" />}
      {list.first.loading && !list.first.data && <Loading testId="orders-loading" />}
      {list.first.data && list.items.length === 0 && <Empty testId="orders-empty">{t('shop.noOrders')}</Empty>}
      <ul className="order-list">
        {list.items.map((o) => {
          const st = live[o.id] && live[o.id]!.updatedAt >= o.updatedAt ? live[o.id]!.status : o.status;
          return (
            <li key={o.id}>
              <Link to={`/shop/orders/${o.id}`} className="order-row panel" data-testid="order-row" data-order-id={o.id}>
                {o.items[0]?.imageUrl ? <img src={o.items[0].imageUrl} alt="" className="line-img" /> : <span className="line-img" aria-hidden="true" />}
                <span className="stack-0 grow">
                  <strong className="ellipsis">{o.items.map((i) => i.title).join(', ')}</strong>
                  <span className="small muted">
                    {o.seller.displayName} · {timeAgo(o.createdAt, lang)}
                  </span>
                </span>
                <span className="stack-0 end">
                  <strong>{formatMoney(o.total, o.currency, lang)}</strong>
                  <StatusPill status={st} testId="order-row-status" />
                </span>
              </Link>
            </li>
          );
        })}
      </ul>
      <MoreButton list={list} />
    </section>
  );
}

function MoreButton({ list }: { list: ReturnType<typeof useOrderList> }) {
  const { t } = useI18n();
  return (
    <>
      {list.more.error !== null && <ErrorMessage error={list.more.error} onRetry={() => void list.loadMore()} />}
      {list.more.cursor && (
        <button type="button" className="btn btn-ghost btn-block" disabled={list.more.loading} onClick={() => void list.loadMore()} data-testid="orders-more">
          {list.more.loading ? t('common.loading') : t('common.loadMore')}
        </button>
      )}
    </>
  );
}

function StatusFilter({ value, onChange }: { value: OrderStatus | 'all'; onChange: (s: OrderStatus | 'all') => void }) {
  const { t } = useI18n();
  return (
    <div className="chips-scroll" role="group" aria-label={t('shop.filterStatus')}>
      {FILTERS.map((f) => (
        <button key={f} type="button" className={`chip${f === value ? ' chip-on' : ''}`} aria-pressed={f === value} onClick={() => onChange(f)} data-testid={`filter-${f}`}>
          {f === 'all' ? t('shop.all') : t(`order.${f}`)}
        </button>
      ))}
    </div>
  );
}

/** Orders in my shop, each with its actions inline: confirm, ship, cancel, refund. */
export function SellerOrdersPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState<OrderStatus | 'all'>('all');
  const list = useOrderList('/api/v1/shop/seller/orders', status);
  const { replace, reload } = list;
  useOrderUpdates(
    (u) => {
      if (u.role !== 'seller') return;
      // The full order (payment, history) is one request away; a new order reloads the list.
      api
        .get(`/api/v1/shop/orders/${u.id}`, Order)
        .then((o) => (list.items.some((x) => x.id === o.id) ? replace(o) : reload()))
        .catch(() => undefined);
    },
    reload,
  );
  return (
    <section className="stack" data-testid="seller-orders-page">
      <SellerNav />
      <StatusFilter value={status} onChange={setStatus} />
      {list.first.error !== null && <ErrorMessage error={list.first.error} onRetry={reload} testId="orders-error" />}
      {list.first.loading && !list.first.data && <Loading testId="orders-loading" />}
      {list.first.data && list.items.length === 0 && <Empty testId="orders-empty">{t('shop.noSellerOrders')}</Empty>}
      {list.items.map((o) => (
        <OrderView key={o.id} order={o} role="seller" onChange={replace} compact />
      ))}
      <MoreButton list={list} />
    </section>
  );
}
