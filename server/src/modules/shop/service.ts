import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../platform/db/client.ts';
import type { Realtime } from '../../platform/realtime/realtime.ts';
import type { Storage } from '../../platform/storage.ts';
import type { Limits } from '../../platform/auth/limits.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { GraphService } from '../graph/service.ts';
import type { NotificationsService } from '../notifications/service.ts';
import { Catalog } from './catalog.ts';
import { Checkout } from './checkout.ts';
import type { FanAudience, ShopContext, ShopOptions } from './context.ts';
import { Insights } from './insights.ts';
import { Orders } from './orders.ts';
import type { PaymentProvider } from './payments/provider.ts';
import { Promotions } from './promotions.ts';
import { ShopEvents } from './realtime.ts';
import { HotQueries, ShopRepo } from './repo.ts';

/**
 * The shop module's one entry point for the rest of the app. Its parts share a context; the
 * sweeper (a timer started with the app and stopped by `close`) expires unpaid orders, settles
 * ended flash sales and reconciles payments, so held units return within about a second.
 */
export class ShopService {
  readonly catalog: Catalog;
  readonly checkout: Checkout;
  readonly orders: Orders;
  readonly promotions: Promotions;
  readonly insights: Insights;
  private readonly ctx: ShopContext;
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  private clockOffsetMs = 0;

  constructor(deps: {
    db: Db;
    accounts: AccountsService;
    graph: GraphService;
    notifications: NotificationsService;
    realtime: Realtime;
    storage: Storage;
    log: FastifyBaseLogger;
    options: ShopOptions;
    limits: Limits;
    providers: PaymentProvider[];
  }) {
    this.ctx = {
      db: deps.db,
      repo: new ShopRepo(deps.db),
      hot: new HotQueries(deps.db),
      accounts: deps.accounts,
      graph: deps.graph,
      notifications: deps.notifications,
      events: new ShopEvents(deps.realtime, deps.log),
      storage: deps.storage,
      log: deps.log,
      options: deps.options,
      limits: deps.limits,
      providers: new Map(deps.providers.map((p) => [p.name, p])),
      fanAudience: null,
      now: () => new Date(Date.now() + this.clockOffsetMs),
    };
    this.catalog = new Catalog(this.ctx);
    this.checkout = new Checkout(this.ctx, this.catalog);
    this.orders = new Orders(this.ctx, this.checkout);
    this.promotions = new Promotions(this.ctx, this.catalog);
    this.insights = new Insights(this.ctx);
  }

  /** The fan-group module plugs in here to answer group-member and fan-level coupon audiences. */
  setFanAudience(fans: FanAudience): void {
    this.ctx.fanAudience = fans;
  }

  provider(name: string): PaymentProvider | undefined {
    return this.ctx.providers.get(name);
  }

  /** Tests move the shop's clock forward instead of sleeping through payment windows. */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  now(): Date {
    return this.ctx.now();
  }

  start(): void {
    if (this.timer || this.ctx.options.sweepIntervalMs <= 0) return;
    this.timer = setInterval(() => void this.sweep(), this.ctx.options.sweepIntervalMs);
    this.timer.unref();
  }

  /** One pass of the background work; never two at once in this process. */
  sweep(): Promise<void> {
    if (this.sweeping) return this.sweeping;
    this.sweeping = (async () => {
      try {
        await this.orders.expireDue();
        for (const id of await this.ctx.repo.flashSalesToSettle(this.ctx.now(), 50)) await this.promotions.settle(id, false);
        await this.orders.reconcileStale();
      } catch (err) {
        this.ctx.log.error({ err }, 'shop sweep failed');
      }
    })().finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sweeping;
    this.ctx.events.close();
    for (const p of this.ctx.providers.values()) p.close?.();
  }
}
