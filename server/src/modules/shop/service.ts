import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Db } from '../../platform/db/client.ts';
import type { Realtime } from '../../platform/realtime/realtime.ts';
import type { PrivateFiles, PublicFiles } from '../../platform/storage.ts';
import type { Limits } from '../../platform/auth/limits.ts';
import type { AccountDataPart } from '../accounts/rights.ts';
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
import { Reviews } from './reviews/service.ts';
import { Aftersales } from './aftersales/service.ts';
import { ShopEvents } from './realtime.ts';
import { AccountShopRepo, HotQueries, ShopRepo } from './repo.ts';

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
  readonly reviews: Reviews;
  readonly aftersales: Aftersales;
  private readonly ctx: ShopContext;
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  private clockOffsetMs = 0;
  private readonly productListeners: ((productId: string) => void)[] = [];

  constructor(deps: {
    db: Db;
    accounts: AccountsService;
    graph: GraphService;
    notifications: NotificationsService;
    realtime: Realtime;
    storage: PublicFiles;
    privateFiles: PrivateFiles;
    log: FastifyBaseLogger;
    options: ShopOptions;
    limits: Limits;
    providers: PaymentProvider[];
    redis?: Redis | undefined;
    redisPrefix?: string;
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
      privateFiles: deps.privateFiles,
      log: deps.log,
      options: deps.options,
      limits: deps.limits,
      providers: new Map(deps.providers.map((p) => [p.name, p])),
      fanAudience: null,
      redis: deps.redis,
      redisPrefix: deps.redisPrefix ?? 'tremolo',
      now: () => new Date(Date.now() + this.clockOffsetMs),
      changed: (productId) => {
        for (const l of this.productListeners) l(productId);
      },
    };
    this.catalog = new Catalog(this.ctx);
    this.checkout = new Checkout(this.ctx, this.catalog);
    this.orders = new Orders(this.ctx, this.checkout);
    this.promotions = new Promotions(this.ctx, this.catalog);
    this.insights = new Insights(this.ctx);
    this.reviews = new Reviews(this.ctx);
    this.aftersales = new Aftersales(this.ctx, this.orders);
    this.catalog.useRatings(this.reviews);
  }

  /** The shop's share of a person's data: orders they placed and their addresses; see `AccountShopRepo.eraseOf`. */
  accountPart(): AccountDataPart {
    const repo = new AccountShopRepo(this.ctx.db);
    return {
      name: 'shop',
      export: async (userId, archive) => {
        const { orders, lines, addresses } = await repo.purchasesOf(userId);
        const sellers = await this.ctx.accounts.summaries([...new Set(orders.map((o) => o.sellerId))]);
        await archive.json(
          'orders.json',
          orders.map((o) => ({
            id: o.id,
            status: o.status,
            seller: sellers.get(o.sellerId)?.handle ?? null,
            currency: o.currency,
            subtotal: o.subtotal,
            discount: o.discount,
            total: o.total,
            address: o.address,
            carrier: o.carrier,
            trackingNumber: o.trackingNumber,
            createdAt: o.createdAt.toISOString(),
            paidAt: o.paidAt?.toISOString() ?? null,
            shippedAt: o.shippedAt?.toISOString() ?? null,
            items: lines
              .filter((l) => l.orderId === o.id)
              .map((l) => ({ title: l.title, sku: l.sku, options: l.options, unitPrice: l.unitPrice, quantity: l.quantity })),
          })),
        );
        await archive.json('reviews.json', await this.reviews.exportOf(userId));
        await archive.json('aftersales.json', await this.aftersales.exportOf(userId));
        await this.aftersales.exportPhotos(userId, archive);
        await archive.json(
          'addresses.json',
          addresses.map(({ userId: _owner, ...a }) => ({ ...a, createdAt: a.createdAt.toISOString() })),
        );
      },
      erase: async (userId) => {
        await this.reviews.eraseBy(userId);
        for (const productId of await repo.eraseOf(userId)) this.ctx.changed(productId);
      },
    };
  }

  /** The fan-group module plugs in here to answer group-member and fan-level coupon audiences. */
  /** Called after a product was created or its title, status, variants or stock changed, on this node. */
  onProductChanged(listener: (productId: string) => void): void {
    this.productListeners.push(listener);
  }

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
        await this.orders.deliverDue();
        for (const id of await this.ctx.repo.flashSalesToSettle(this.ctx.now(), 50)) await this.promotions.settle(id, false);
        await this.orders.reconcileStale();
        await this.aftersales.settleDue();
        await this.aftersales.moveLegacyPhotos();
        await this.checkout.reconcileFlash();
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
