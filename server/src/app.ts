import { existsSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { Redis } from 'ioredis';
import { ErrorBody } from '@tremolo/protocol';
import type { Config } from './platform/config.ts';
import { openDatabase, type Database } from './platform/db/client.ts';
import { AppError } from './platform/errors.ts';
import { Router } from './platform/http/route.ts';
import { installSecurityHeaders } from './platform/http/security-headers.ts';
import { clientErrorHandler, frameworkErrors, installErrorHandling } from './platform/http/errors.ts';
import { createMetrics, type Metrics } from './platform/metrics.ts';
import { RateLimit } from './platform/auth/rate-limit.ts';
import { Limits } from './platform/auth/limits.ts';
import { DiskPrivateFiles, DiskStorage, prepareStorage, storageLayout } from './platform/storage.ts';
import { InProcessBus, RedisBus, type Bus } from './platform/realtime/bus.ts';
import { ChannelRegistry } from './platform/realtime/channels.ts';
import { EventStore } from './platform/realtime/store.ts';
import { Gateway } from './platform/realtime/gateway.ts';
import { MemorySessionSockets, RedisSessionSockets, type SessionSockets } from './platform/realtime/session-sockets.ts';
import { AccountsRepo } from './modules/accounts/repo.ts';
import { AccountsService } from './modules/accounts/service.ts';
import { registerAccountRoutes, registerPeopleLookup } from './modules/accounts/routes.ts';
import { NotificationsService } from './modules/notifications/service.ts';
import { registerNotificationRoutes } from './modules/notifications/routes.ts';
import { userChannelPolicy } from './modules/notifications/realtime.ts';
import { GraphService } from './modules/graph/service.ts';
import { registerGraphRoutes } from './modules/graph/routes.ts';
import { creatorChannelPolicy } from './modules/graph/realtime.ts';
import { CardsService } from './modules/cards/service.ts';
import { registerCardRoutes } from './modules/cards/routes.ts';
import { ShopService } from './modules/shop/service.ts';
import { registerPaymentWebhooks, registerShopRoutes } from './modules/shop/routes.ts';
import { productChannelPolicy } from './modules/shop/realtime.ts';
import { TestPaymentProvider } from './modules/shop/payments/test-provider.ts';
import { FansService } from './modules/fans/service.ts';
import { POINTS, watchPoints } from './modules/fans/levels.ts';
import { GroupsService } from './modules/groups/service.ts';
import { registerGroupRoutes } from './modules/groups/routes.ts';
import { groupChannelPolicy } from './modules/groups/realtime.ts';
import { DmsService } from './modules/dms/service.ts';
import { registerDmRoutes } from './modules/dms/routes.ts';
import { dmChannelPolicy } from './modules/dms/realtime.ts';
import { VideosService } from './modules/videos/service.ts';
import { registerVideoRoutes } from './modules/videos/routes.ts';
import { FeedsService } from './modules/feeds/service.ts';
import { registerFeedRoutes } from './modules/feeds/routes.ts';
import { WatchService } from './modules/watch/service.ts';
import { registerWatchRoutes } from './modules/watch/routes.ts';
import { watchChannelPolicy } from './modules/watch/realtime.ts';
import { MatchService, matchOptions } from './modules/match/service.ts';
import { registerMatchRoutes } from './modules/match/routes.ts';
import { matchChannelPolicy } from './modules/match/realtime.ts';
import { RoomsService } from './modules/rooms/service.ts';
import { registerRoomRoutes } from './modules/rooms/routes.ts';
import { roomChannelPolicy } from './modules/rooms/realtime.ts';
import { createSfu } from './platform/media/index.ts';
import type { SfuAdapter } from './platform/media/sfu.ts';

export interface Services {
  accounts: AccountsService;
  graph: GraphService;
  notifications: NotificationsService;
  cards: CardsService;
  videos: VideosService;
  feeds: FeedsService;
  shop: ShopService;
  fans: FansService;
  groups: GroupsService;
  dms: DmsService;
  watch: WatchService;
  match: MatchService;
  rooms: RoomsService;
}

export interface App {
  config: Config;
  http: FastifyInstance;
  database: Database;
  gateway: Gateway;
  services: Services;
  metrics: Metrics;
  bus: Bus;
  sfu: SfuAdapter;
  /** Starts listening; returns the bound address. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function buildApp(config: Config): Promise<App> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize });
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2 }) : undefined;
  const bus: Bus = config.redisUrl ? await RedisBus.connect(config.redisUrl) : new InProcessBus();
  // With Redis the sockets-per-session cap holds across nodes; without it there is one node anyway.
  const sessionSockets: SessionSockets = config.redisUrl ? await RedisSessionSockets.connect(config.redisUrl) : new MemorySessionSockets();
  const metrics = createMetrics();
  mkdirSync(config.storageDir, { recursive: true });
  const layout = await prepareStorage(config.storageDir);
  const storage = new DiskStorage(layout.publicDir);
  const privateFiles = new DiskPrivateFiles(layout.privateDir);

  const http = Fastify({
    logger: { level: config.logLevel },
    bodyLimit: config.maxBodyBytes,
    // A hop count trusts that many proxies nearest the app, whatever their address (proxy-addr's rule).
    trustProxy: typeof config.trustProxy === 'number' ? hops(config.trustProxy) : config.trustProxy,
    // Longest real parameter is a 36-character id; anything longer is refused as a 414 in our shape.
    routerOptions: { maxParamLength: 100 },
    frameworkErrors,
    clientErrorHandler,
  });
  // The API speaks JSON (and multipart for uploads): anything else is a 415, not a string to validate.
  http.removeContentTypeParser('text/plain');
  await installSecurityHeaders(http, { https: config.cookieSecure });
  await http.register(fastifyCookie);
  await http.register(fastifyMultipart, { limits: { fileSize: config.maxAvatarBytes, files: 1, fields: 5 }, throwFileSizeLimit: true });

  const limits = new Limits(config.limits, redis);
  const accounts = new AccountsService(new AccountsRepo(database.db), storage, {
    sessionTtlDays: config.sessionTtlDays,
    maxAvatarBytes: config.maxAvatarBytes,
    limits,
  });
  const registry = new ChannelRegistry();
  const store = new EventStore(database.db);
  const gateway = new Gateway({
    sessions: accounts,
    registry,
    store,
    bus,
    log: http.log as unknown as import('pino').Logger,
    metrics,
    options: { ...config.realtime, storedPublishes: limits },
    sessionSockets,
  });
  const notifications = new NotificationsService(database.db, gateway);
  const graph = new GraphService(database.db, accounts, notifications, limits);
  const cards = new CardsService(accounts, graph);
  const videos = new VideosService(database.db, privateFiles, accounts, graph, gateway, { maxDurationSec: config.maxVideoDurationSec }, limits);
  const feeds = new FeedsService(videos, graph);
  registry.register(userChannelPolicy);
  registry.register(creatorChannelPolicy(graph));
  const testPayments = new TestPaymentProvider({
    secret: config.paymentWebhookSecret,
    asyncDelayMs: config.testPayments.asyncDelayMs,
    webhookUrl: config.testPayments.webhookUrl,
  });
  const shop = new ShopService({
    db: database.db,
    accounts,
    graph,
    notifications,
    realtime: gateway,
    storage,
    log: http.log,
    options: config.shop,
    limits,
    providers: [testPayments],
  });
  cards.addSectionProvider(shop.catalog);
  registry.register(productChannelPolicy);
  videos.setProductLinks({
    assertOwned: async (sellerId, ids) => {
      for (const id of ids) await shop.catalog.owned(sellerId, id);
    },
    cards: (ids) => shop.catalog.cards(ids),
  });
  const fans = new FansService(database.db);
  const groups = new GroupsService(database.db, accounts, graph, fans, notifications, gateway, store, new RateLimit({ name: 'group-msg', points: config.chatMessagesPer10s, durationSec: 10, redis }), limits);
  const dms = new DmsService(database.db, accounts, graph, notifications, store, new RateLimit({ name: 'dm-msg', points: config.chatMessagesPer10s, durationSec: 10, redis }));
  registry.register(groupChannelPolicy(groups));
  registry.register(dmChannelPolicy(dms));
  const watch = new WatchService(database.db, accounts, graph, videos, gateway, new RateLimit({ name: 'watch-msg', points: config.chatMessagesPer10s, durationSec: 10, redis }), limits);
  registry.register(watchChannelPolicy(watch));
  const match = new MatchService(database.db, accounts, graph, gateway, bus, limits, matchOptions(config.match, config.iceServers));
  registry.register(matchChannelPolicy(match));
  const sfu = await createSfu(config.media);
  await sfu.start();
  const rooms = new RoomsService({
    db: database.db, accounts, graph, groups, fans, notifications, shop, videos, realtime: gateway, store, sfu, storage,
    chatLimit: new RateLimit({ name: 'room-msg', points: config.rooms.chatPer10s, durationSec: 10, redis }),
    heartLimit: new RateLimit({ name: 'room-hearts', points: config.rooms.heartPostsPer10s, durationSec: 10, redis }),
    limits,
    iceServers: config.iceServers,
    log: http.log,
  });
  registry.register(roomChannelPolicy(rooms));
  cards.addSectionProvider(rooms);
  shop.setFanAudience({ isMember: (g, u) => groups.isMember(g, u), fanLevel: (g, u) => groups.fanLevelIn(g, u) });
  groups.setCouponDrops({
    droppable: async (sellerId, couponId) => {
      const mine = await shop.promotions.sellerCoupons(sellerId, undefined, 100);
      const c = mine.items.find((x) => x.id === couponId);
      if (!c) throw new AppError('not_found', 'No such coupon in your shop');
      if (c.status !== 'active' && c.status !== 'scheduled') throw new AppError('conflict', 'That coupon has ended');
      return { title: c.title, remaining: c.totalQuantity - c.claimed };
    },
  });
  cards.addSectionProvider({ sections: async (owner, viewerId) => {
    const list = await groups.ofCreator(viewerId, owner.id);
    return list.length ? [{ kind: 'fan_groups' as const, groups: list.map((g) => ({ id: g.id, name: g.name, members: g.members, capacity: g.capacity, joinRule: g.joinRule, status: g.me?.status ?? 'none' })) }] : [];
  } });
  // Fan points from engagement with a creator's videos.
  videos.onSignal((s) => {
    if (!('userId' in s)) return;
    void videos.authorOf(s.videoId).then((authorId) => {
      if (!authorId) return;
      const pts = s.kind === 'like' ? POINTS.like : s.kind === 'complete' ? POINTS.complete : s.kind === 'watch' ? watchPoints(s.watchedMs) : s.kind === 'unlike' ? -POINTS.like : 0;
      return fans.award(authorId, s.userId, pts);
    }).catch((err: unknown) => http.log.warn({ err }, 'fan points not awarded'));
  });

  const router = new Router(http, accounts, limits);
  registerAccountRoutes(router, accounts, { cookieSecure: config.cookieSecure });
  registerPeopleLookup(router, accounts);
  registerGraphRoutes(router, graph);
  registerNotificationRoutes(router, notifications);
  registerCardRoutes(router, cards, config.publicUrl);
  registerShopRoutes(router, shop);
  registerVideoRoutes(router, videos, { maxVideoBytes: config.maxVideoBytes, tmpDir: privateFiles.file('tmp') });
  registerFeedRoutes(router, feeds);
  registerGroupRoutes(router, groups, accounts);
  registerDmRoutes(router, dms);
  registerWatchRoutes(router, watch);
  registerMatchRoutes(router, match);
  registerRoomRoutes(router, rooms);

  installErrorHandling(http);
  await registerPaymentWebhooks(http, shop);
  installOperations(http, database, metrics, router);
  await installStatic(http, config);

  const app: App = {
    config,
    http,
    database,
    gateway,
    metrics,
    bus,
    sfu,
    services: { accounts, graph, notifications, cards, videos, feeds, shop, fans, groups, dms, watch, match, rooms },
    async listen() {
      // Ready means able to serve a feed: the candidate index is loaded before the port opens.
      await feeds.whenReady();
      const address = await http.listen({ port: config.port, host: config.host });
      gateway.attach(http.server);
      // The test provider calls back into this very server, like a real provider's webhook.
      const bound = http.server.address();
      if (!testPayments.webhookUrl && bound && typeof bound === 'object') testPayments.webhookUrl = `http://127.0.0.1:${bound.port}/api/v1/payments/webhooks/test`;
      shop.start();
      rooms.start();
      videos.resumeProcessing();
      return address;
    },
    async close() {
      await shop.close();
      watch.close();
      match.close();
      await rooms.close();
      await gateway.close();
      await sfu.close();
      await http.close();
      await videos.close();
      await feeds.close();
      await bus.close();
      await sessionSockets.close();
      redis?.disconnect();
      await database.close();
    },
  };
  return app;
}

function hops(n: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < n;
}

function installOperations(http: FastifyInstance, database: Database, metrics: Metrics, router: Router): void {
  http.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  http.get('/healthz', async () => ({ ok: true }));
  http.get('/readyz', async (_req, reply) => {
    try {
      await database.ping();
      return { ok: true, database: database.kind };
    } catch {
      return reply.code(503).send(new AppError('internal', 'Database unreachable').toBody());
    }
  });
  http.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  http.get('/api/openapi.json', async () => router.openApi(ErrorBody));
}

async function installStatic(http: FastifyInstance, config: Config): Promise<void> {
  // Only the public area: private media leaves through the routes that check who may see it.
  await http.register(fastifyStatic, { root: storageLayout(config.storageDir).publicDir, prefix: '/media/', decorateReply: false, maxAge: '7d' });
  const hasWeb = existsSync(path.join(config.webDistDir, 'index.html'));
  // A wildcard route (not a list made at start) so a rebuilt bundle is served without a restart.
  if (hasWeb) {
    // Source maps stay on the build machine: they would hand out the unminified source.
    await http.register(fastifyStatic, { root: config.webDistDir, prefix: '/', wildcard: true, index: false, allowedPath: (p) => !p.endsWith('.map') });
    http.get('/', (_req, reply) => reply.type('text/html').sendFile('index.html', config.webDistDir));
  }
  http.setNotFoundHandler((req, reply) => {
    const url = req.url.split('?')[0] ?? '/';
    const isApi = url.startsWith('/api/') || url.startsWith('/media/') || url === '/ws';
    if (!isApi && req.method === 'GET' && hasWeb && !path.extname(url)) {
      // The SPA owns every other path (/u/<handle>, /me, …).
      return reply.type('text/html').sendFile('index.html', config.webDistDir);
    }
    const e = new AppError('not_found', `No route for ${req.method} ${url}`);
    return reply.code(404).send(e.toBody());
  });
}
