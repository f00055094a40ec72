import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../platform/module.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { CardsService } from '../cards/service.ts';
import type { GraphService } from '../graph/service.ts';
import type { NotificationsService } from '../notifications/service.ts';
import type { VideosService } from '../videos/service.ts';
import type { ModerationService } from '../moderation/service.ts';
import { TestPaymentProvider } from './payments/test-provider.ts';
import { productChannelPolicy } from './realtime.ts';
import { registerReviewRoutes } from './reviews/routes.ts';
import { registerAftersalesRoutes } from './aftersales/routes.ts';
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
  deps: {
    accounts: AccountsService;
    graph: GraphService;
    notifications: NotificationsService;
    cards: CardsService;
    videos: VideosService;
    moderation: ModerationService;
  },
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
    privateFiles: p.privateFiles,
    log: p.log,
    options: p.config.shop,
    limits: p.limits,
    providers: [testPayments],
    redis: p.redis,
    redisPrefix: p.config.redisPrefix,
  });
  deps.cards.addSectionProvider(shop.catalog);
  p.channels.register(productChannelPolicy);
  deps.videos.setProductLinks({
    assertOwned: async (sellerId, ids) => {
      for (const id of ids) await shop.catalog.owned(sellerId, id);
    },
    cards: (ids) => shop.catalog.cards(ids),
  });
  // A reported product is copied as the reporter sees it; a moderator's removal unpublishes it (reversibly).
  deps.moderation.registerSurface('product', {
    snapshot: async (viewerId, id) => {
      const product = await shop.catalog.product(viewerId, id).catch(() => null);
      if (!product) return null;
      return {
        ownerId: product.seller.id,
        snapshot: { title: product.title, text: product.description, imageUrl: product.images[0]?.url ?? null, context: [] },
      };
    },
    remove: async (id) => {
      const product = await shop.catalog.product(null, id).catch(() => null);
      if (product) await shop.catalog.setStatus(product.seller.id, id, 'unpublished');
    },
    restore: (id) => shop.catalog.republishRemoved(id),
  });
  // A reported review is copied as it reads now (stars, words, first photo, the seller's reply);
  // a moderator's removal hides it from lists, summaries and the store score.
  deps.moderation.registerSurface('review', {
    snapshot: async (viewerId, id) => {
      const r = await shop.reviews.visibleSnapshot(viewerId, id);
      if (!r) return null;
      return {
        ownerId: r.authorId,
        snapshot: {
          title: '★'.repeat(r.stars),
          text: r.text,
          imageUrl: r.photoUrls[0] ?? null,
          context: r.reply ? [{ seq: 0, from: null, text: r.reply, reported: false }] : [],
        },
      };
    },
    remove: async (id) => {
      await shop.reviews.setHidden(id, true);
    },
    restore: async (id) => {
      await shop.reviews.setHidden(id, false);
    },
  });
  registerShopRoutes(p.router, shop);
  registerReviewRoutes(p.router, shop.reviews);
  shop.aftersales.useModerators(deps.moderation);
  registerAftersalesRoutes(p.router, shop.aftersales);
  deps.accounts.rights.addPart(shop.accountPart());
  return { shop, testPayments, registerWebhooks: (http) => registerPaymentWebhooks(http, shop) };
}
