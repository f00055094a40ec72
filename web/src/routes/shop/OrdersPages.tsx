import { useCallback, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useQueryClient, type InfiniteData } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { Order, OrderStatus, OrderUpdate, ResponseOf } from '@tremolo/protocol';
import { Empty, ErrorMessage, Loading } from '../../components/Status.tsx';
import { LoadMore } from '../../components/LoadMore.tsx';
import { useOrderUpdates } from '../../components/shop/live.ts';
import { settledError } from '../../components/shop/util.ts';
import { call } from '../../lib/client.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { formatMoney } from '../../lib/money.ts';
import { keyOf, useApiPages, useApiQuery } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';
import { timeAgo } from '../../lib/time.ts';
import { BuyerNav, SellerNav, StatusPill } from './common.tsx';
import { OrderView } from './OrderView.tsx';
import styles from '../../components/shop/shop.module.css';
import { cx } from '../../lib/cx.ts';

/** One order (buyer or seller), kept current by the pushes on my channel. */
export function OrderDetailPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const args = { params: { id } };
  const order = useApiQuery(api.shop.order, args, { staleTime: 0 });
  const client = useQueryClient();
  const { refetch } = order;
  const reload = useCallback(() => void refetch(), [refetch]);
  useOrderUpdates((u) => {
    if (u.id === id) reload();
  }, reload);
  const failed = settledError(order);
  if (failed) return <ErrorMessage error={failed} onRetry={reload} testId="order-error" />;
  if (!order.data) return <Loading testId="order-loading" />;
  const o = order.data;
  return <OrderDetail order={o} onChange={(n) => client.setQueryData(keyOf(api.shop.order, args), n)} back={t('shop.orders')} />;
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

const FILTERS: (OrderStatus | 'all')[] = [
  'all',
  'pending_payment',
  'paid',
  'shipped',
  'refund_requested',
  'delivered',
  'refunded',
  'cancelled',
];

type OrderList = typeof api.shop.orders | typeof api.shop.sellerOrders;
type OrderPages = InfiniteData<ResponseOf<OrderList>, string | null>;

function useOrderList(e: OrderList, status: OrderStatus | 'all') {
  const client = useQueryClient();
  const pages = useApiPages(e, { query: { limit: 20, ...(status === 'all' ? {} : { status }) } });
  const items = useMemo(() => (pages.data?.pages ?? []).flatMap((p) => p.items), [pages.data]);
  const { refetch } = pages;
  const reload = useCallback(() => void refetch(), [refetch]);
  // An order changed in place: every loaded page of every filter shows its new state at once.
  const replace = useCallback(
    (o: Order) =>
      client.setQueriesData<OrderPages>({ queryKey: [e.path], predicate: (q) => q.queryKey.at(-1) === 'pages' }, (d) =>
        d ? { ...d, pages: d.pages.map((p) => ({ ...p, items: p.items.map((x) => (x.id === o.id ? o : x)) })) } : d,
      ),
    [client, e],
  );
  return { pages, items, reload, replace };
}

/** My orders as a buyer; status changes arrive live. */
export function BuyerOrdersPage() {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState<OrderStatus | 'all'>('all');
  const list = useOrderList(api.shop.orders, status);
  const failed = list.pages.data ? null : settledError(list.pages);
  const [live, setLive] = useState<Record<string, OrderUpdate>>({});
  useOrderUpdates((u) => {
    if (u.role !== 'buyer') return;
    setLive((l) => ({ ...l, [u.id]: u }));
    if (!list.items.some((o) => o.id === u.id)) list.reload();
  }, list.reload);
  return (
    <section className="stack" data-testid="orders-page">
      <BuyerNav />
      <StatusFilter value={status} onChange={setStatus} />
      {failed && <ErrorMessage error={failed} onRetry={list.reload} testId="orders-error" />}
      {!list.pages.data && !failed && <Loading testId="orders-loading" />}
      {list.pages.data && list.items.length === 0 && <Empty testId="orders-empty">{t('shop.noOrders')}</Empty>}
      <ul className={styles['order-list']}>
        {list.items.map((o) => {
          const st = live[o.id] && live[o.id]!.updatedAt >= o.updatedAt ? live[o.id]!.status : o.status;
          return (
            <li key={o.id}>
              <Link to={`/shop/orders/${o.id}`} className={cx(styles['order-row'], 'panel')} data-testid="order-row" data-order-id={o.id}>
                {o.items[0]?.imageUrl ? (
                  <img src={o.items[0].imageUrl} alt="" className={styles['line-img']} />
                ) : (
                  <span className={styles['line-img']} aria-hidden="true" />
                )}
                <span className={cx(styles['stack-0'], 'grow')}>
                  <strong className={styles.ellipsis}>{o.items.map((i) => i.title).join(', ')}</strong>
                  <span className="small muted">
                    {o.seller.displayName} · {timeAgo(o.createdAt, lang)}
                  </span>
                </span>
                <span className={cx(styles['stack-0'], styles.end)}>
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

/** The next page of orders, and what went wrong reading one. */
function MoreButton({ list }: { list: ReturnType<typeof useOrderList> }) {
  const { pages } = list;
  // A failed first page is shown by the page itself; this is about the pages after it.
  const failed = pages.data && pages.isFetchNextPageError ? pages.error : null;
  return (
    <>
      {failed && <ErrorMessage error={failed} onRetry={() => void pages.fetchNextPage()} />}
      <LoadMore pages={pages} testId="orders-more" />
    </>
  );
}

function StatusFilter({ value, onChange }: { value: OrderStatus | 'all'; onChange: (s: OrderStatus | 'all') => void }) {
  const { t } = useI18n();
  return (
    <div className={styles['chips-scroll']} role="group" aria-label={t('shop.filterStatus')}>
      {FILTERS.map((f) => (
        <button
          key={f}
          type="button"
          className={cx(styles.chip, f === value && styles['chip-on'])}
          aria-pressed={f === value}
          onClick={() => onChange(f)}
          data-testid={`filter-${f}`}
        >
          {f === 'all' ? t('shop.all') : t(`orderStatus.${f}`)}
        </button>
      ))}
    </div>
  );
}

/** Orders in my shop, each with its actions inline: confirm, ship, cancel, refund. */
export function SellerOrdersPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState<OrderStatus | 'all'>('all');
  const list = useOrderList(api.shop.sellerOrders, status);
  const failed = list.pages.data ? null : settledError(list.pages);
  const { replace, reload } = list;
  useOrderUpdates((u) => {
    if (u.role !== 'seller') return;
    // The full order (payment, history) is one request away; a new order reloads the list.
    call(api.shop.order, { params: { id: u.id } })
      .then((o) => (list.items.some((x) => x.id === o.id) ? replace(o) : reload()))
      .catch(() => undefined);
  }, reload);
  return (
    <section className="stack" data-testid="seller-orders-page">
      <SellerNav />
      <StatusFilter value={status} onChange={setStatus} />
      {failed && <ErrorMessage error={failed} onRetry={reload} testId="orders-error" />}
      {!list.pages.data && !failed && <Loading testId="orders-loading" />}
      {list.pages.data && list.items.length === 0 && <Empty testId="orders-empty">{t('shop.noSellerOrders')}</Empty>}
      {list.items.map((o) => (
        <OrderView key={o.id} order={o} role="seller" onChange={replace} compact />
      ))}
      <MoreButton list={list} />
    </section>
  );
}
