import { setTimeout as sleep } from 'node:timers/promises';
import { existsSync } from 'node:fs';
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
import { RequestLog } from './platform/http/request-log.ts';
import { clientErrorHandler, frameworkErrors, installErrorHandling } from './platform/http/errors.ts';
import { createMetrics, type Metrics } from './platform/metrics.ts';
import { RateLimit } from './platform/auth/rate-limit.ts';
import { Limits } from './platform/auth/limits.ts';
import { diskStores, type Stores } from './platform/storage.ts';
import { sendStoredFile } from './platform/storage-http.ts';
import { InProcessBus, RedisBus, type Bus } from './platform/realtime/bus.ts';
import { ChannelRegistry } from './platform/realtime/channels.ts';
import { EventStore } from './platform/realtime/store.ts';
import { Gateway } from './platform/realtime/gateway.ts';
import { MemorySessionSockets, RedisSessionSockets, type SessionSockets } from './platform/realtime/session-sockets.ts';
import type { Platform } from './platform/module.ts';
import { createCluster } from './platform/cluster/index.ts';
import type { Cluster } from './platform/cluster/cluster.ts';
import { createSfu } from './platform/media/index.ts';
import { ClusteredSfu } from './platform/media/clustered.ts';
import { LocalNodeRpc, RedisNodeRpc } from './platform/cluster/rpc.ts';
import type { SfuAdapter } from './platform/media/sfu.ts';
import type { Jobs } from './platform/jobs/jobs.ts';
import { PgBossJobs } from './platform/jobs/pg-boss.ts';
import * as accountsModule from './modules/accounts/index.ts';
import * as notificationsModule from './modules/notifications/index.ts';
import * as graphModule from './modules/graph/index.ts';
import * as cardsModule from './modules/cards/index.ts';
import * as videosModule from './modules/videos/index.ts';
import * as feedsModule from './modules/feeds/index.ts';
import * as shopModule from './modules/shop/index.ts';
import * as searchModule from './modules/search/index.ts';
import * as fansModule from './modules/fans/index.ts';
import * as groupsModule from './modules/groups/index.ts';
import * as dmsModule from './modules/dms/index.ts';
import * as watchModule from './modules/watch/index.ts';
import * as matchModule from './modules/match/index.ts';
import * as roomsModule from './modules/rooms/index.ts';
import * as previewsModule from './modules/previews/index.ts';
import * as pushModule from './modules/push/index.ts';
import * as moderationModule from './modules/moderation/index.ts';
import type { AccountsService } from './modules/accounts/service.ts';
import type { NotificationsService } from './modules/notifications/service.ts';
import type { GraphService } from './modules/graph/service.ts';
import type { CardsService } from './modules/cards/service.ts';
import type { ShopService } from './modules/shop/service.ts';
import type { FansService } from './modules/fans/service.ts';
import type { GroupsService } from './modules/groups/service.ts';
import type { DmsService } from './modules/dms/service.ts';
import type { VideosService } from './modules/videos/service.ts';
import type { FeedsService } from './modules/feeds/service.ts';
import type { SearchService } from './modules/search/service.ts';
import type { WatchService } from './modules/watch/service.ts';
import type { Match } from './modules/match/parts.ts';
import type { Rooms } from './modules/rooms/parts.ts';
import type { PushService } from './modules/push/service.ts';
import type { ModerationService } from './modules/moderation/service.ts';

export interface Services {
  accounts: AccountsService;
  graph: GraphService;
  notifications: NotificationsService;
  cards: CardsService;
  videos: VideosService;
  feeds: FeedsService;
  search: SearchService;
  shop: ShopService;
  fans: FansService;
  groups: GroupsService;
  dms: DmsService;
  watch: WatchService;
  match: Match;
  rooms: Rooms;
  push: PushService;
  moderation: ModerationService;
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
  jobs: Jobs;
  /** Node liveness and the sweeps of dead nodes' state. */
  cluster: Cluster;
  /** Starts listening; returns the bound address. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function buildApp(config: Config): Promise<App> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize });
  // Auto-pipelining sends the commands a turn of the event loop issues as one write: under a
  // burst (a flash sale's opening) each request's limit checks and token script share writes.
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableAutoPipelining: true }) : undefined;
  const bus: Bus = config.redisUrl ? await RedisBus.connect(config.redisUrl, config.redisPrefix) : new InProcessBus();
  // With Redis the sockets-per-session cap holds across nodes; without it there is one node anyway.
  const sessionSockets: SessionSockets = config.redisUrl
    ? await RedisSessionSockets.connect(config.redisUrl, config.redisPrefix)
    : new MemorySessionSockets();
  const metrics = createMetrics();
  // Object storage when S3_BUCKET is set (several nodes), else this node's disk.
  const stores = config.s3
    ? await (await import('./platform/storage-s3.ts')).s3Stores(config.s3, config.storageDir)
    : await diskStores(config.storageDir);
  const { storage, privateFiles } = stores;

  const http = Fastify({
    logger: { level: config.logLevel },
    logController: new RequestLog(),
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
  installSecurityHeaders(http, { https: config.cookieSecure, mediaOrigins: stores.mediaOrigins });
  await http.register(fastifyCookie);
  await http.register(fastifyMultipart, { limits: { fileSize: config.maxAvatarBytes, files: 1, fields: 5 }, throwFileSizeLimit: true });

  const limits = new Limits(config.limits, { redis, redisPrefix: config.redisPrefix });
  const cluster = createCluster(config, database, http.log, metrics);
  const accounts = accountsModule.createAccounts({ config, db: database.db, storage, limits, bus });
  const channels = new ChannelRegistry();
  const store = new EventStore(database.db);
  const gateway = new Gateway({
    sessions: accounts,
    registry: channels,
    store,
    bus,
    log: http.log as unknown as import('pino').Logger,
    metrics,
    options: { ...config.realtime, storedPublishes: limits },
    sessionSockets,
  });
  const router = new Router(http, accounts, limits);
  const rpc = config.redisUrl
    ? await RedisNodeRpc.connect(config.redisUrl, config.redisPrefix, cluster.nodeId, http.log)
    : new LocalNodeRpc();
  // werift's media lives in this process: each room's media has one owner node, and a room whose
  // node is gone (another node died, or this one crashed before this start) starts over.
  const localSfu = await createSfu(config.media);
  const sfu = localSfu.name === 'werift' ? new ClusteredSfu(localSfu, { db: database.db, cluster, rpc, log: http.log }) : localSfu;
  await sfu.start();
  const jobs = new PgBossJobs(
    database.pglite ? { kind: 'pglite', client: database.pglite } : { kind: 'postgres', url: config.databaseUrl ?? '' },
    config.jobs,
    http.log,
  );
  const platform: Platform = {
    config,
    db: database.db,
    http,
    router,
    channels,
    realtime: gateway,
    store,
    bus,
    redis,
    storage,
    privateFiles,
    limits,
    jobs,
    log: http.log,
    metrics,
    cluster,
    rateLimit: (name, points, durationSec) => new RateLimit({ name, points, durationSec, redis, redisPrefix: config.redisPrefix }),
  };

  // Each module builds its service and plugs in its channel policies and routes, in dependency order.
  accountsModule.register(platform, accounts);
  const notifications = notificationsModule.register(platform);
  const moderation = moderationModule.register(platform, { accounts, notifications });
  const graph = graphModule.register(platform, { accounts, notifications });
  const cards = cardsModule.register(platform, { accounts, graph });
  const videos = videosModule.register(platform, { accounts, graph, moderation });
  const feeds = feedsModule.register(platform, { videos, graph });
  const { shop, testPayments, registerWebhooks } = shopModule.register(platform, {
    accounts,
    graph,
    notifications,
    cards,
    videos,
    moderation,
  });
  const fans = fansModule.register(platform, { videos });
  const groups = groupsModule.register(platform, { accounts, graph, fans, notifications, cards, shop, moderation });
  const dms = dmsModule.register(platform, { accounts, graph, notifications });
  const watch = watchModule.register(platform, { accounts, graph, videos });
  const match = matchModule.register(platform, { accounts, graph, moderation });
  const rooms = roomsModule.register(platform, { accounts, graph, groups, fans, notifications, shop, videos, cards, sfu, moderation });
  previewsModule.register(platform, { cards, videos, shop, rooms, watch });
  const search = searchModule.register(platform, { accounts, graph, videos, feeds, shop, rooms });
  const push = pushModule.register(platform, { notifications, groups, dms });
  // Account rights reach the modules that come after accounts and do not know them.
  accounts.rights.useNotify((userId, payload) => notifications.notify(userId, payload));
  accounts.rights.addPart({ name: 'notifications', erase: (userId) => notifications.forget(userId) });
  accounts.rights.addPart({ name: 'push', erase: (userId) => push.forget(userId) });

  // Every module has said which jobs it works: create their queues and start taking jobs.
  await jobs.start();

  installErrorHandling(http);
  await registerWebhooks(http);
  installOperations(http, database, stores, metrics, router);
  await installStatic(http, config, stores);

  const app: App = {
    config,
    http,
    database,
    gateway,
    metrics,
    bus,
    sfu,
    jobs,
    cluster,
    services: {
      accounts,
      graph,
      notifications,
      cards,
      videos,
      feeds,
      search,
      shop,
      fans,
      groups,
      dms,
      watch,
      match,
      rooms,
      push,
      moderation,
    },
    async listen() {
      // Ready means able to serve a feed: the candidate index is loaded before the port opens.
      await feeds.whenReady();
      // A database from before search (or a fresh one) is indexed before the first search.
      await search.start();
      // Heartbeating before the first socket, so everything this node holds has a live owner.
      await cluster.start();
      // Node's default backlog (511) overflows when a crowd connects while the event loop is busy, and
      // the kernel then drops the connection attempts, which retry only after 1, 3, 7 s; the kernel
      // caps this at net.core.somaxconn.
      const address = await http.listen({ port: config.port, host: config.host, backlog: 8192 });
      gateway.attach(http.server);
      // The test provider calls back into this very server, like a real provider's webhook.
      const bound = http.server.address();
      if (!testPayments.webhookUrl && bound && typeof bound === 'object')
        testPayments.webhookUrl = `http://127.0.0.1:${bound.port}/api/v1/payments/webhooks/test`;
      shop.start();
      rooms.counts.start();
      accounts.rights.start();
      await videos.start();
      return address;
    },
    async close() {
      // First: a job cut short here is failed now and retried on another node (or at the next start).
      await jobs.stop();
      await accounts.rights.close();
      await shop.close();
      watch.close();
      match.queue.close();
      await rooms.counts.close();
      await gateway.close();
      await cluster.close();
      await sfu.close();
      await rpc.close();
      await http.close();
      // Index changes still queued are written (they are lost otherwise: the index is rebuilt only when empty).
      await Promise.race([search.idle(), sleep(5_000)]);
      await videos.close();
      stores.close();
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

/** How long `/readyz` waits for object storage: under HAProxy's check interval (1 s), so a silent bucket fails the check rather than hangs it. */
const STORAGE_READY_TIMEOUT_MS = 800;

function installOperations(http: FastifyInstance, database: Database, stores: Stores, metrics: Metrics, router: Router): void {
  http.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
  http.get('/healthz', async () => ({ ok: true }));
  http.get('/readyz', async (_req, reply) => {
    try {
      await database.ping();
    } catch {
      return reply.code(503).send(new AppError('internal', 'Database unreachable').toBody());
    }
    // Uploads and media live in the bucket when there is one: a node that cannot reach it would fail them.
    try {
      await stores.check(STORAGE_READY_TIMEOUT_MS);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return reply.code(503).send(new AppError('internal', `Object storage unreachable (${why})`).toBody());
    }
    return { ok: true, database: database.kind, storage: stores.publicDir ? 'disk' : 's3' };
  });
  http.get('/metrics', async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  http.get('/api/openapi.json', async () => router.openApi(ErrorBody));
}

/**
 * Files under `assets/` carry a content hash in their name: a new build makes new names, so
 * browsers keep them for a year without asking. Everything else (index.html, which names the
 * current hashes) is revalidated on each visit (ETag), so a deploy is seen on the next load.
 */
function webCacheControl(webDistDir: string, file: string): string {
  const rel = path.relative(webDistDir, file);
  return rel.startsWith(`assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

async function installStatic(http: FastifyInstance, config: Config, stores: Stores): Promise<void> {
  // Only the public area: private media leaves through the routes that check who may see it.
  if (stores.publicDir) {
    await http.register(fastifyStatic, {
      root: stores.publicDir,
      prefix: '/media/',
      decorateReply: false,
      maxAge: '7d',
    });
  } else {
    // Object storage: any node streams any public file, so a URL works whichever node answers it.
    http.get('/media/*', async (req, reply) => {
      const key = (req.params as { '*': string })['*'];
      return sendStoredFile(req, reply, stores.storage, key, { cacheControl: 'public, max-age=604800', what: 'File' });
    });
  }
  const hasWeb = existsSync(path.join(config.webDistDir, 'index.html'));
  // A wildcard route (not a list made at start) so a rebuilt bundle is served without a restart.
  if (hasWeb) {
    // Source maps stay on the build machine: they would hand out the unminified source.
    // The build writes .br and .gz copies of its text files; the one the browser accepts is sent
    // (with Vary: Accept-Encoding), so nothing is compressed per request.
    await http.register(fastifyStatic, {
      root: config.webDistDir,
      prefix: '/',
      wildcard: true,
      index: false,
      preCompressed: true,
      cacheControl: false,
      setHeaders: (reply, file) => {
        reply.header('cache-control', webCacheControl(config.webDistDir, file));
      },
      allowedPath: (p) => !p.endsWith('.map'),
    });
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
