import { useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { keepPreviousData } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import { Empty, ErrorMessage, Loading } from '../../../components/Status.tsx';
import { settledError } from '../../../components/shop/util.ts';
import { useI18n } from '../../../lib/i18n.tsx';
import { formatMoney } from '../../../lib/money.ts';
import { useApiQuery } from '../../../lib/queries.ts';
import { SellerNav } from '../common.tsx';
import styles from '../../../components/shop/shop.module.css';
import { cx } from '../../../lib/cx.ts';

const PERIODS = ['7d', '30d', '90d'] as const;
const COLORS = { views: '#8f8fa3', clicks: '#25f4ee', carts: '#ffd58a', paid: '#fe2c55', revenue: '#3ddc97' };
const axis = { stroke: '#8f8fa3', fontSize: 12 };
const tooltip = {
  contentStyle: { background: '#16161e', border: '1px solid #2c2c38', borderRadius: 10, color: '#f3f3f6' },
  itemStyle: { color: '#f3f3f6' },
};

/** The creator dashboard: the funnel per surface, followers against everyone else, top products, daily sales. */
export function InsightsPage() {
  const { t, lang } = useI18n();
  const [period, setPeriod] = useState<(typeof PERIODS)[number]>('7d');
  const data = useApiQuery(api.shop.insights, { query: { period } }, { placeholderData: keepPreviousData });
  const failed = settledError(data);
  const d = data.data;
  const money = (n: number) => (d ? formatMoney(n, d.currency, lang) : String(n));
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return (
    <section className="stack insights" data-testid="insights-page">
      <SellerNav />
      <div className={styles['row-between']}>
        <h1>{t('shop.insights')}</h1>
        <div className={styles['chips-scroll']} role="group" aria-label={t('shop.period')}>
          {PERIODS.map((p) => (
            <button
              key={p}
              type="button"
              className={cx(styles.chip, p === period && styles['chip-on'])}
              aria-pressed={p === period}
              onClick={() => setPeriod(p)}
              data-testid={`period-${p}`}
            >
              {t(`shop.period.${p}`)}
            </button>
          ))}
        </div>
      </div>
      {failed && <ErrorMessage error={failed} onRetry={() => void data.refetch()} testId="insights-error" />}
      {data.isFetching && <Loading testId="insights-loading" />}
      {d && (
        <>
          <div className={styles.tiles} data-testid="insights-totals">
            <Tile label={t('shop.revenue')} value={money(d.totals.revenue)} testId="total-revenue" />
            <Tile label={t('shop.paidOrders')} value={String(d.totals.paidOrders)} testId="total-paid" />
            <Tile label={t('shop.unitsSold')} value={String(d.totals.unitsSold)} testId="total-units" />
            <Tile label={t('shop.views')} value={String(d.totals.views)} testId="total-views" />
            <Tile label={t('shop.clicks')} value={String(d.totals.clicks)} testId="total-clicks" />
            <Tile label={t('shop.refunds')} value={String(d.totals.refunds)} testId="total-refunds" />
          </div>

          <section className="panel stack-tight">
            <h2 className="section-title">{t('shop.funnelBySurface')}</h2>
            {d.bySurface.length === 0 ? (
              <Empty>{t('shop.noData')}</Empty>
            ) : (
              <>
                <div className={styles.chart} data-testid="chart-funnel">
                  <ResponsiveContainer width="100%" height={240}>
                    <BarChart
                      data={d.bySurface.map((r) => ({
                        name: t(`shop.surface.${r.surface}`),
                        views: r.views,
                        clicks: r.clicks,
                        carts: r.carts,
                        paid: r.paidOrders,
                      }))}
                    >
                      <CartesianGrid stroke="#2c2c38" vertical={false} />
                      <XAxis dataKey="name" tick={axis} stroke="#2c2c38" />
                      <YAxis allowDecimals={false} tick={axis} stroke="#2c2c38" width={36} />
                      <Tooltip {...tooltip} cursor={{ fill: 'rgba(255,255,255,0.04)' }} />
                      <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
                      <Bar dataKey="views" isAnimationActive={false} name={t('shop.views')} fill={COLORS.views} radius={[3, 3, 0, 0]} />
                      <Bar dataKey="clicks" isAnimationActive={false} name={t('shop.clicks')} fill={COLORS.clicks} radius={[3, 3, 0, 0]} />
                      <Bar dataKey="carts" isAnimationActive={false} name={t('shop.carts')} fill={COLORS.carts} radius={[3, 3, 0, 0]} />
                      <Bar dataKey="paid" isAnimationActive={false} name={t('shop.paidOrders')} fill={COLORS.paid} radius={[3, 3, 0, 0]} />
                    </BarChart>
                  </ResponsiveContainer>
                </div>
                <div className={styles['table-wrap']}>
                  <table className={styles.table} data-testid="surface-table">
                    <thead>
                      <tr>
                        <th>{t('shop.surfaceCol')}</th>
                        <th>{t('shop.views')}</th>
                        <th>{t('shop.clicks')}</th>
                        <th>{t('shop.carts')}</th>
                        <th>{t('shop.paidOrders')}</th>
                        <th>{t('shop.revenue')}</th>
                        <th>{t('shop.conversion')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.bySurface.map((r) => (
                        <tr key={r.surface} data-testid="surface-row" data-surface={r.surface}>
                          <th scope="row">{t(`shop.surface.${r.surface}`)}</th>
                          {/* The label repeats in each cell: on a phone each row is a card of labelled figures. */}
                          <td data-label={t('shop.views')}>{r.views}</td>
                          <td data-label={t('shop.clicks')}>{r.clicks}</td>
                          <td data-label={t('shop.carts')}>{r.carts}</td>
                          <td data-label={t('shop.paidOrders')} data-testid="surface-paid">
                            {r.paidOrders}
                          </td>
                          <td data-label={t('shop.revenue')} data-testid="surface-revenue">
                            {money(r.revenue)}
                          </td>
                          <td data-label={t('shop.conversion')} data-testid="surface-conversion">
                            {pct(r.conversion)}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            )}
          </section>

          <section className="panel stack-tight">
            <h2 className="section-title">{t('shop.dailySales')}</h2>
            <div className={styles.chart} data-testid="chart-daily">
              <ResponsiveContainer width="100%" height={200}>
                <LineChart data={d.daily.map((x) => ({ date: x.date.slice(5), revenue: x.revenue, paid: x.paidOrders, views: x.views }))}>
                  <CartesianGrid stroke="#2c2c38" vertical={false} />
                  <XAxis dataKey="date" tick={axis} stroke="#2c2c38" />
                  <YAxis yAxisId="l" allowDecimals={false} tick={axis} stroke="#2c2c38" width={36} />
                  <YAxis yAxisId="r" orientation="right" tick={axis} stroke="#2c2c38" width={56} tickFormatter={(v: number) => money(v)} />
                  <Tooltip
                    {...tooltip}
                    formatter={(v, name) => (name === t('shop.revenue') && typeof v === 'number' ? money(v) : String(v))}
                  />
                  <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
                  <Line
                    yAxisId="l"
                    isAnimationActive={false}
                    type="monotone"
                    dataKey="views"
                    name={t('shop.views')}
                    stroke={COLORS.views}
                    dot={false}
                  />
                  <Line
                    yAxisId="l"
                    isAnimationActive={false}
                    type="monotone"
                    dataKey="paid"
                    name={t('shop.paidOrders')}
                    stroke={COLORS.paid}
                  />
                  <Line
                    yAxisId="r"
                    isAnimationActive={false}
                    type="monotone"
                    dataKey="revenue"
                    name={t('shop.revenue')}
                    stroke={COLORS.revenue}
                  />
                </LineChart>
              </ResponsiveContainer>
            </div>
          </section>

          <section className="panel stack-tight" data-testid="followers-split">
            <h2 className="section-title">{t('shop.followersVsOthers')}</h2>
            <div className={styles.split}>
              <div className={cx(styles.chart, styles['chart-pie'])}>
                <ResponsiveContainer width="100%" height={160}>
                  <PieChart>
                    <Pie
                      data={[
                        { name: t('shop.followers'), value: d.followers.follower.revenue },
                        { name: t('shop.nonFollowers'), value: d.followers.nonFollower.revenue },
                      ]}
                      dataKey="value"
                      innerRadius={40}
                      outerRadius={64}
                      stroke="none"
                      isAnimationActive={false}
                    >
                      <Cell fill={COLORS.paid} />
                      <Cell fill={COLORS.clicks} />
                    </Pie>
                    <Tooltip {...tooltip} formatter={(v) => (typeof v === 'number' ? money(v) : String(v))} />
                  </PieChart>
                </ResponsiveContainer>
              </div>
              <dl className={cx(styles.totals, 'grow')}>
                {(
                  [
                    ['follower', t('shop.followers'), COLORS.paid],
                    ['nonFollower', t('shop.nonFollowers'), COLORS.clicks],
                  ] as const
                ).map(([k, label, color]) => (
                  <div key={k} data-testid={`split-${k}`}>
                    <dt>
                      <span className={styles['dot-swatch']} style={{ background: color }} /> {label}
                    </dt>
                    <dd>
                      {money(d.followers[k].revenue)} · {t('shop.buyersCount', { count: d.followers[k].buyers })}
                    </dd>
                  </div>
                ))}
              </dl>
            </div>
          </section>

          <section className="panel stack-tight" data-testid="top-products">
            <h2 className="section-title">{t('shop.topProducts')}</h2>
            {d.topProducts.length === 0 ? (
              <Empty>{t('shop.noData')}</Empty>
            ) : (
              <ol className={styles.rank}>
                {d.topProducts.map((p) => (
                  <li key={p.productId} data-testid="top-product">
                    <span className={cx(styles.ellipsis, 'grow')}>{p.title}</span>
                    <span className="small muted">{t('shop.unitsCount', { count: p.unitsSold })}</span>
                    <strong>{money(p.revenue)}</strong>
                  </li>
                ))}
              </ol>
            )}
          </section>
        </>
      )}
    </section>
  );
}

function Tile({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className={styles.tile} data-testid={testId}>
      <span className="small muted">{label}</span>
      <strong>{value}</strong>
    </div>
  );
}
