import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/module.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { CardsService } from '../cards/service.ts';
import type { GraphService } from '../graph/service.ts';
import type { NotificationsService } from '../notifications/service.ts';
import type { VideosService } from '../videos/service.ts';
import { TestPaymentProvider } from './payments/test-provider.ts';
import { productChannelPolicy } from './realtime.ts';
import { registerPaymentWebhooks, registerShopRoutes } from './routes.ts';
import { ShopService } from './service.ts';

export interface ShopModule {
  shop: ShopService;
  /** The test provider calls back into this very server, like a real provider's webhook, once its port is known. */
  testPayments: TestPaymentProvider;
  /** Payment webhooks are plain Fastify routes (raw body, signature), installed after the error handler. */
  registerWebhooks(http: FastifyInstance): Promise<void>;
}

export function register(
  p: Platform,
  deps: { accounts: AccountsService; graph: GraphService; notifications: NotificationsService; cards: CardsService; videos: VideosService },
): ShopModule {
  const testPayments = new TestPaymentProvider({
    secret: p.config.paymentWebhookSecret,
    asyncDelayMs: p.config.testPayments.asyncDelayMs,
    webhookUrl: p.config.testPayments.webhookUrl,
  });
  const shop = new ShopService({
    db: p.db,
    accounts: deps.accounts,
    graph: deps.graph,
    notifications: deps.notifications,
    realtime: p.realtime,
    storage: p.storage,
    log: p.log,
    options: p.config.shop,
    limits: p.limits,
    providers: [testPayments],
  });
  deps.cards.addSectionProvider(shop.catalog);
  p.channels.register(productChannelPolicy);
  deps.videos.setProductLinks({
    assertOwned: async (sellerId, ids) => {
      for (const id of ids) await shop.catalog.owned(sellerId, id);
    },
    cards: (ids) => shop.catalog.cards(ids),
  });
  registerShopRoutes(p.router, shop);
  return { shop, testPayments, registerWebhooks: (http) => registerPaymentWebhooks(http, shop) };
}
