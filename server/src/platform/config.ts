import path from 'node:path';
import type { MediaConfig } from './media/index.ts';

/** Every setting comes from the environment; README.md documents each variable. */
export interface Config {
  port: number;
  host: string;
  /** Where PGlite keeps its files and uploads go by default. `memory://` keeps PGlite in memory (tests). */
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  storageDir: string;
  publicUrl: string | undefined;
  logLevel: string;
  cookieSecure: boolean;
  /**
   * Which proxies may set `X-Forwarded-For`: `false` (none: the socket's address is the client),
   * a number of hops in front of the app, or a list of proxy addresses / CIDR ranges.
   */
  trustProxy: false | number | string[];
  /** HMAC secret of the test payment provider's webhooks. */
  paymentWebhookSecret: string;
  sessionTtlDays: number;
  maxAvatarBytes: number;
  maxBodyBytes: number;
  maxVideoBytes: number;
  maxVideoDurationSec: number;
  /** Messages one person may send in one group or in DMs per 10 seconds. */
  chatMessagesPer10s: number;
  webDistDir: string;
  seedDemo: boolean;
  /** Every limit on repeated actions; docs/security.md lists each with its scope. */
  limits: LimitsConfig;
  realtime: {
    heartbeatMs: number;
    slowSocketBytes: number;
    maxCoalesceMs: number;
    framesPerSecond: number;
    /** Sockets one session may have open at once, across nodes when Redis is set; the oldest beyond it are closed. */
    maxSocketsPerSession: number;
    /** Channels one socket may be subscribed to at once. */
    maxSubscriptionsPerSocket: number;
  };
  /** The SFU of friends chat rooms: werift in this process (default) or Janus. */
  media: MediaConfig;
  /** Chat messages one person may send in one room per 10 seconds, and heart posts per 10 seconds. */
  rooms: { chatPer10s: number; heartPostsPer10s: number };
}

/** At most `points` hits per `durationSec`, counted per key (a person, a network, a target). */
export interface Limit {
  points: number;
  durationSec: number;
}

/** Each rate limit: its environment variable, default budget and window. */
export const RATE_LIMITS = {
  loginPerIp: { env: 'RATE_LIMIT_LOGIN_PER_IP_PER_MIN', points: 30, durationSec: 60 },
  loginFailsPerAccountNetwork: { env: 'RATE_LIMIT_LOGIN_FAILS_PER_ACCOUNT_NETWORK', points: 10, durationSec: 900 },
  loginFailsPerNetwork: { env: 'RATE_LIMIT_LOGIN_FAILS_PER_IP_PER_HOUR', points: 50, durationSec: 3600 },
  signupPerIp: { env: 'RATE_LIMIT_SIGNUP_PER_IP_PER_HOUR', points: 20, durationSec: 3600 },
  passwordFails: { env: 'RATE_LIMIT_PASSWORD_FAILS_PER_ACCOUNT', points: 5, durationSec: 900 },
  writesPerRoute: { env: 'WRITES_PER_ROUTE_PER_MIN', points: 120, durationSec: 60 },
  storedPublishes: { env: 'WS_STORED_PUBLISHES_PER_MIN', points: 120, durationSec: 60 },
  follows: { env: 'FOLLOWS_PER_MIN', points: 30, durationSec: 60 },
  likes: { env: 'LIKES_PER_MIN', points: 60, durationSec: 60 },
  comments: { env: 'COMMENTS_PER_MIN', points: 10, durationSec: 60 },
  videoUploads: { env: 'VIDEO_UPLOADS_PER_HOUR', points: 10, durationSec: 3600 },
  groupJoins: { env: 'GROUP_JOINS_PER_HOUR', points: 30, durationSec: 3600 },
  groupsCreated: { env: 'GROUPS_CREATED_PER_HOUR', points: 5, durationSec: 3600 },
  roomsCreated: { env: 'ROOMS_CREATED_PER_HOUR', points: 10, durationSec: 3600 },
  watchPartiesCreated: { env: 'WATCH_PARTIES_CREATED_PER_HOUR', points: 20, durationSec: 3600 },
  reports: { env: 'REPORTS_PER_HOUR', points: 10, durationSec: 3600 },
  reportsPerTarget: { env: 'REPORTS_PER_TARGET_PER_DAY', points: 2, durationSec: 86_400 },
  checkouts: { env: 'SHOP_CHECKOUTS_PER_USER_PER_MIN', points: 30, durationSec: 60 },
  pays: { env: 'SHOP_PAYS_PER_USER_PER_MIN', points: 30, durationSec: 60 },
  touchesPerIp: { env: 'SHOP_TOUCHES_PER_IP_PER_MIN', points: 600, durationSec: 60 },
  matchSkips: { env: 'MATCH_SKIPS_PER_MIN', points: 20, durationSec: 60 },
} as const satisfies Record<string, Limit & { env: string }>;

export type RateLimitName = keyof typeof RATE_LIMITS;

export interface LimitsConfig {
  rates: Record<RateLimitName, Limit>;
  /** A product view or click by one viewer counts once per this window in the seller's insights. */
  touchWindowSec: number;
  /** A re-follow within this window does not notify the followed person again. */
  followNotifyWindowSec: number;
  /** Units one buyer may hold in unpaid orders at once. */
  unpaidUnitsPerBuyer: number;
  /**
   * Failed logins for one account (from anywhere) before each further attempt is slowed down:
   * the delay doubles from `stepMs` with every failure up to `maxMs`. A device that logged in to
   * the account recently is not slowed down.
   */
  loginSlowdown: { freeFails: number; stepMs: number; maxMs: number; windowSec: number };
  /** Signs the "this device logged in before" cookie; random per process when unset. */
  deviceSecret: string | undefined;
}

function int(v: string | undefined, fallback: number): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`expected a number, got ${v}`);
  return n;
}

const repoRoot = path.resolve(import.meta.dirname, '../../..');

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const dataDir = env.DATA_DIR ?? path.join(repoRoot, 'data');
  const base: Config = {
    port: int(env.PORT, 8080),
    host: env.HOST ?? '0.0.0.0',
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    storageDir: env.STORAGE_DIR ?? path.join(dataDir.startsWith('memory://') ? path.join(repoRoot, '.tmp') : dataDir, 'uploads'),
    publicUrl: env.PUBLIC_URL || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    cookieSecure: env.COOKIE_SECURE === 'true',
    trustProxy: trustProxy(env.TRUST_PROXY),
    paymentWebhookSecret: webhookSecret(env),
    sessionTtlDays: int(env.SESSION_TTL_DAYS, 30),
    maxAvatarBytes: int(env.MAX_AVATAR_BYTES, 5 * 1024 * 1024),
    maxBodyBytes: int(env.MAX_BODY_BYTES, 64 * 1024),
    maxVideoBytes: int(env.VIDEO_MAX_BYTES, 200 * 1024 * 1024),
    maxVideoDurationSec: int(env.VIDEO_MAX_DURATION_SEC, 600),
    chatMessagesPer10s: int(env.CHAT_MESSAGES_PER_10S, 20),
    webDistDir: env.WEB_DIST_DIR ?? path.join(repoRoot, 'web', 'dist'),
    seedDemo: env.SEED_DEMO !== 'false',
    limits: loadLimits(env),
    realtime: {
      heartbeatMs: int(env.WS_HEARTBEAT_MS, 15_000),
      slowSocketBytes: int(env.WS_SLOW_SOCKET_BYTES, 4 * 1024 * 1024),
      maxCoalesceMs: int(env.WS_MAX_COALESCE_MS, 40),
      // Frames one socket may send per second before `rate_limited` errors. 50 is plenty for a
      // person; a live host pushing a fast stream of broadcasts (or a benchmark) may need more.
      framesPerSecond: int(env.WS_FRAMES_PER_SECOND, 50),
      // A person with a few tabs and a phone stays well within 8; a script opening hundreds does not.
      maxSocketsPerSession: int(env.WS_MAX_SOCKETS_PER_SESSION, 8),
      // The app follows a few dozen channels at most (inbox, a room, a party, open DMs and groups).
      maxSubscriptionsPerSocket: int(env.WS_MAX_SUBSCRIPTIONS_PER_SOCKET, 200),
    },
    media: {
      adapter: mediaAdapter(env.MEDIA),
      janusUrl: env.JANUS_URL || undefined,
      announcedAddresses: (env.MEDIA_ANNOUNCED_ADDRESSES ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    },
    rooms: {
      chatPer10s: int(env.ROOM_CHAT_PER_10S, 10),
      heartPostsPer10s: int(env.ROOM_HEART_POSTS_PER_10S, 20),
    },
  };
  return { ...base, ...overrides };
}

export const DEV_WEBHOOK_SECRET = 'tremolo-dev-webhook-secret';

/**
 * `true` would trust every hop, so anyone could name their own address in `X-Forwarded-For` and
 * step around per-network limits: only a hop count or the proxies' addresses are accepted.
 */
function trustProxy(v: string | undefined): Config['trustProxy'] {
  if (v === undefined || v === '' || v === 'false' || v === '0') return false;
  if (/^\d+$/.test(v)) return Number(v);
  if (v === 'true') {
    throw new Error('TRUST_PROXY=true would trust any client\'s X-Forwarded-For; set the number of proxies in front of the app (e.g. 1) or their addresses (e.g. 10.0.0.5,10.0.1.0/24)');
  }
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const a of list) {
    if (!/^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(a) && !['loopback', 'linklocal', 'uniquelocal'].includes(a)) {
      throw new Error(`TRUST_PROXY: ${a} is not an address, a CIDR range or a hop count`);
    }
  }
  return list;
}

/** A public deployment signing webhooks with the secret everyone can read in this repository would accept forged payments. */
function webhookSecret(env: NodeJS.ProcessEnv): string {
  const secret = env.PAYMENT_WEBHOOK_SECRET || DEV_WEBHOOK_SECRET;
  const production = env.NODE_ENV === 'production' || (env.PUBLIC_URL ?? '').startsWith('https:');
  if (production && secret === DEV_WEBHOOK_SECRET) {
    throw new Error('PAYMENT_WEBHOOK_SECRET must be set to a secret of your own in production (NODE_ENV=production or an https PUBLIC_URL)');
  }
  return secret;
}

export function loadLimits(env: NodeJS.ProcessEnv): LimitsConfig {
  const rates = Object.fromEntries(
    Object.entries(RATE_LIMITS).map(([name, d]) => [name, { points: positive(env[d.env], d.points, d.env), durationSec: d.durationSec }]),
  ) as Record<RateLimitName, Limit>;
  return {
    rates,
    touchWindowSec: positive(env.SHOP_TOUCH_WINDOW_SEC, 1800, 'SHOP_TOUCH_WINDOW_SEC'),
    followNotifyWindowSec: positive(env.FOLLOW_NOTIFY_WINDOW_SEC, 86_400, 'FOLLOW_NOTIFY_WINDOW_SEC'),
    unpaidUnitsPerBuyer: positive(env.SHOP_UNPAID_UNITS_PER_BUYER, 20, 'SHOP_UNPAID_UNITS_PER_BUYER'),
    loginSlowdown: {
      freeFails: int(env.LOGIN_SLOWDOWN_AFTER_FAILS, 5),
      stepMs: int(env.LOGIN_SLOWDOWN_STEP_MS, 250),
      maxMs: int(env.LOGIN_SLOWDOWN_MAX_MS, 5000),
      windowSec: 900,
    },
    deviceSecret: env.DEVICE_COOKIE_SECRET || undefined,
  };
}

/** A limit of zero or less would refuse everyone: a typo, not a policy. */
function positive(v: string | undefined, fallback: number, name: string): number {
  const n = int(v, fallback);
  if (n <= 0) throw new Error(`${name} must be a positive number, got ${v}`);
  return n;
}

function mediaAdapter(v: string | undefined): MediaConfig['adapter'] {
  if (v === undefined || v === '' || v === 'werift') return 'werift';
  if (v === 'janus') return 'janus';
  throw new Error(`MEDIA must be werift or janus, got ${v}`);
}
