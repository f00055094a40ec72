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
  rateLimits: { loginPerIpPerMin: number; loginFailsPerAccountPer15Min: number; signupPerIpPerHour: number };
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
    rateLimits: {
      loginPerIpPerMin: int(env.RATE_LIMIT_LOGIN_PER_IP_PER_MIN, 30),
      loginFailsPerAccountPer15Min: int(env.RATE_LIMIT_LOGIN_FAILS_PER_ACCOUNT, 10),
      signupPerIpPerHour: int(env.RATE_LIMIT_SIGNUP_PER_IP_PER_HOUR, 20),
    },
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

function mediaAdapter(v: string | undefined): MediaConfig['adapter'] {
  if (v === undefined || v === '' || v === 'werift') return 'werift';
  if (v === 'janus') return 'janus';
  throw new Error(`MEDIA must be werift or janus, got ${v}`);
}
