import { and, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { Surface, type Insights as InsightsDto } from '@tremolo/protocol';
import { AppError } from '../../platform/errors.ts';
import type { ShopContext } from './context.ts';
import { orderItems, orders, touches } from './tables.ts';

const DAY = 86_400_000;
const MAX_DAYS = 366;
/** Orders that brought money in (and still hold it). */
const PAID = ['paid', 'shipped', 'delivered', 'refund_requested'] as const;

/**
 * The creator dashboard. Every figure is aggregated in SQL over the seller's own rows (touches
 * and orders are the shop's tables); the API returns ready-made series for the charts.
 */
export class Insights {
  constructor(private readonly ctx: ShopContext) {}

  range(q: { from?: string | undefined; to?: string | undefined; period?: '7d' | '30d' | '90d' | undefined }): { from: Date; to: Date } {
    const today = new Date(this.ctx.now().toISOString().slice(0, 10) + 'T00:00:00Z');
    const days = q.period ? Number(q.period.slice(0, -1)) : 7;
    const to = q.to ? new Date(q.to + 'T00:00:00Z') : today;
    const from = q.from ? new Date(q.from + 'T00:00:00Z') : new Date(to.getTime() - (days - 1) * DAY);
    if (from > to) throw new AppError('validation_failed', '`from` is after `to`', [{ path: 'from', message: 'after to' }]);
    if ((to.getTime() - from.getTime()) / DAY + 1 > MAX_DAYS)
      throw new AppError('validation_failed', `At most ${MAX_DAYS} days at once`, [{ path: 'from', message: 'range too long' }]);
    return { from, to };
  }

  async dashboard(
    sellerId: string,
    q: { from?: string | undefined; to?: string | undefined; period?: '7d' | '30d' | '90d' | undefined },
  ): Promise<InsightsDto> {
    const { from, to } = this.range(q);
    const end = new Date(to.getTime() + DAY);
    const db = this.ctx.db;
    const shop = await this.ctx.repo.shop(sellerId);
    const paid = sql`${orders.status} in ('paid','shipped','delivered','refund_requested')`;
    const inTouches = and(eq(touches.sellerId, sellerId), gte(touches.at, from), lt(touches.at, end));
    const inOrders = and(eq(orders.sellerId, sellerId), gte(orders.createdAt, from), lt(orders.createdAt, end));
    const count = (cond: ReturnType<typeof sql>) => sql<number>`count(*) filter (where ${cond})::int`;
    // Revenue is what the seller keeps: after-sales refunds of part of an order are taken off.
    const sumTotal = sql<number>`coalesce(sum(${orders.total} - ${orders.refundedAmount}) filter (where ${paid}), 0)::bigint`;
    const keptUnits = sql`${orderItems.quantity} - ${orderItems.refundedQuantity}`;
    const keptLine = sql`${orderItems.lineTotal} - ${orderItems.unitPrice} * ${orderItems.refundedQuantity}`;

    const [funnel, bySurface, followers, top, touchDaily, orderDaily, totalsRow] = await Promise.all([
      db
        .select({
          surface: touches.surface,
          views: count(sql`${touches.kind} = 'view'`),
          clicks: count(sql`${touches.kind} = 'click'`),
          carts: count(sql`${touches.kind} = 'cart'`),
        })
        .from(touches)
        .where(inTouches)
        .groupBy(touches.surface),
      db
        .select({ surface: orders.lastSurface, orders: sql<number>`count(*)::int`, paidOrders: count(paid), revenue: sumTotal })
        .from(orders)
        .where(inOrders)
        .groupBy(orders.lastSurface),
      db
        .select({
          follower: orders.buyerFollows,
          paidOrders: count(paid),
          revenue: sumTotal,
          buyers: sql<number>`count(distinct ${orders.buyerId}) filter (where ${paid})::int`,
        })
        .from(orders)
        .where(inOrders)
        .groupBy(orders.buyerFollows),
      db
        .select({
          productId: orderItems.productId,
          title: sql<string>`max(${orderItems.title})`,
          unitsSold: sql<number>`sum(${keptUnits})::int`,
          revenue: sql<number>`sum(${keptLine})::bigint`,
          paidOrders: sql<number>`count(distinct ${orderItems.orderId})::int`,
        })
        .from(orderItems)
        .innerJoin(orders, eq(orders.id, orderItems.orderId))
        .where(and(inOrders, inArray(orders.status, [...PAID])))
        .groupBy(orderItems.productId)
        .orderBy(desc(sql`sum(${keptLine})`), desc(sql`sum(${keptUnits})`))
        .limit(10),
      db
        .select({
          day: sql<string>`to_char(date_trunc('day', ${touches.at} at time zone 'UTC'), 'YYYY-MM-DD')`,
          views: count(sql`${touches.kind} = 'view'`),
          clicks: count(sql`${touches.kind} = 'click'`),
        })
        .from(touches)
        .where(inTouches)
        .groupBy(sql`1`),
      db
        .select({
          day: sql<string>`to_char(date_trunc('day', ${orders.createdAt} at time zone 'UTC'), 'YYYY-MM-DD')`,
          paidOrders: count(paid),
          revenue: sumTotal,
        })
        .from(orders)
        .where(inOrders)
        .groupBy(sql`1`),
      db
        .select({
          orders: sql<number>`count(*)::int`,
          paidOrders: count(paid),
          revenue: sumTotal,
          refunds: count(sql`${orders.status} = 'refunded'`),
          unitsSold: sql<number>`coalesce((select sum(${keptUnits}) from ${orderItems} where ${orderItems.orderId} in (select o2.id from shop_orders o2 where o2.seller_id = ${sellerId} and o2.created_at >= ${from} and o2.created_at < ${end} and o2.status in ('paid','shipped','delivered','refund_requested'))), 0)::int`,
        })
        .from(orders)
        .where(inOrders),
    ]);

    const surfaces = new Map<string, InsightsDto['bySurface'][number]>();
    const row = (s: string) => {
      const surface = Surface.safeParse(s).success ? (s as InsightsDto['bySurface'][number]['surface']) : 'direct';
      let r = surfaces.get(surface);
      if (!r) {
        r = { surface, views: 0, clicks: 0, carts: 0, orders: 0, paidOrders: 0, revenue: 0, conversion: 0 };
        surfaces.set(surface, r);
      }
      return r;
    };
    for (const f of funnel)
      Object.assign(row(f.surface), {
        views: row(f.surface).views + f.views,
        clicks: row(f.surface).clicks + f.clicks,
        carts: row(f.surface).carts + f.carts,
      });
    for (const o of bySurface) {
      const r = row(o.surface);
      r.orders += o.orders;
      r.paidOrders += o.paidOrders;
      r.revenue += Number(o.revenue);
    }
    for (const r of surfaces.values()) r.conversion = r.views > 0 ? Math.round((r.paidOrders / r.views) * 10_000) / 10_000 : 0;

    const split = (follower: boolean) => {
      const f = followers.find((x) => x.follower === follower);
      return { paidOrders: f?.paidOrders ?? 0, revenue: Number(f?.revenue ?? 0), buyers: f?.buyers ?? 0 };
    };
    const t = totalsRow[0]!;
    const views = funnel.reduce((s, f) => s + f.views, 0);
    const clicks = funnel.reduce((s, f) => s + f.clicks, 0);
    const carts = funnel.reduce((s, f) => s + f.carts, 0);

    const tByDay = new Map(touchDaily.map((d) => [d.day, d]));
    const oByDay = new Map(orderDaily.map((d) => [d.day, d]));
    const daily: InsightsDto['daily'] = [];
    for (let d = from.getTime(); d <= to.getTime(); d += DAY) {
      const date = new Date(d).toISOString().slice(0, 10);
      const td = tByDay.get(date);
      const od = oByDay.get(date);
      daily.push({
        date,
        views: td?.views ?? 0,
        clicks: td?.clicks ?? 0,
        paidOrders: od?.paidOrders ?? 0,
        revenue: Number(od?.revenue ?? 0),
      });
    }

    return {
      from: from.toISOString().slice(0, 10),
      to: to.toISOString().slice(0, 10),
      currency: shop?.currency ?? 'CNY',
      totals: {
        views,
        clicks,
        carts,
        orders: t.orders,
        paidOrders: t.paidOrders,
        revenue: Number(t.revenue),
        refunds: t.refunds,
        unitsSold: t.unitsSold,
      },
      bySurface: [...surfaces.values()].sort((a, b) => b.revenue - a.revenue || b.views - a.views),
      followers: { follower: split(true), nonFollower: split(false) },
      topProducts: top.map((p) => ({
        productId: p.productId,
        title: p.title,
        unitsSold: p.unitsSold,
        revenue: Number(p.revenue),
        paidOrders: p.paidOrders,
      })),
      daily,
    };
  }

  /**
   * Paid orders whose last touch was one place (a room, a video), with their revenue per
   * currency: what a live room's summary shows. Uses the attribution stored on each order.
   */
  async surfaceSales(surface: string, surfaceId: string): Promise<{ orders: number; revenue: { amount: number; currency: string }[] }> {
    const rows = await this.ctx.db
      .select({
        currency: orders.currency,
        orders: sql<number>`count(*)::int`,
        revenue: sql<number>`coalesce(sum(${orders.total} - ${orders.refundedAmount}), 0)::bigint`,
      })
      .from(orders)
      .where(
        and(
          eq(orders.lastSurface, surface),
          sql`${orders.attribution} -> 'lastTouch' ->> 'surfaceId' = ${surfaceId}`,
          inArray(orders.status, [...PAID]),
        ),
      )
      .groupBy(orders.currency);
    return {
      orders: rows.reduce((n, r) => n + r.orders, 0),
      revenue: rows.map((r) => ({ amount: Number(r.revenue), currency: r.currency })),
    };
  }
}
