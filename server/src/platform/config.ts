import path from 'node:path';
import { z } from 'zod';
import { IceServer as IceServerSchema, type IceServer } from '@tremolo/protocol';
import type { JobsConfig } from './jobs/jobs.ts';
import type { MediaConfig } from './media/index.ts';
import type { S3Config } from './storage-s3.ts';

/**
 * Every environment variable the server reads, each with its parser, its default and its meaning.
 * The server reads the environment once, here, at start; README.md's Configuration table is
 * generated from this list (`npm run docs:config`), and a unit test fails when the two differ.
 */

const repoRoot = path.resolve(import.meta.dirname, '../../..');

type Raw = string | undefined;

interface Variable<T> {
  schema: z.ZodType<T, Raw>;
  /** The default as the README shows it (markdown). */
  shown: string;
  doc: string;
}

/**
 * One parser per kind of value, all alike: unset or empty is the default, anything else must
 * parse or the server refuses to start with a message naming the variable.
 */
function variable<T>(fallback: T, convert: (raw: string) => T, shown: string, doc: string): Variable<T> {
  const schema = z
    .string()
    .optional()
    .transform((raw, ctx): T => {
      if (raw === undefined || raw.trim() === '') return fallback;
      try {
        return convert(raw.trim());
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
        return z.NEVER;
      }
    });
  return { schema, shown, doc };
}

const code = (v: unknown): string => `\`${String(v)}\``;

function toNumber(raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`expected a number, got "${raw}"`);
  return n;
}

function number(fallback: number, doc: string): Variable<number> {
  return variable(fallback, toNumber, code(fallback), doc);
}

/** A limit of zero or less would refuse everyone: a typo, not a policy. */
function positive(fallback: number, doc: string): Variable<number> {
  const convert = (raw: string): number => {
    const n = toNumber(raw);
    if (n <= 0) throw new Error(`must be a positive number, got ${raw}`);
    return n;
  };
  return variable(fallback, convert, code(fallback), doc);
}

/** A whole number no smaller than `min` (a library's floor, or the smallest value that makes sense). */
function wholeAtLeast(fallback: number, min: number, doc: string): Variable<number> {
  const convert = (raw: string): number => {
    const n = toNumber(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`must be a whole number of at least ${min}, got ${raw}`);
    return n;
  };
  return variable(fallback, convert, code(fallback), doc);
}

function boolean(fallback: boolean, doc: string): Variable<boolean> {
  const convert = (raw: string): boolean => {
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw new Error(`expected true or false, got "${raw}"`);
  };
  return variable(fallback, convert, code(fallback), doc);
}

function text(fallback: string, doc: string, shown = code(fallback)): Variable<string> {
  return variable(fallback, (raw) => raw, shown, doc);
}

function optionalText(doc: string, shown = '—'): Variable<string | undefined> {
  return variable<string | undefined>(undefined, (raw) => raw, shown, doc);
}

/** A comma-separated list; blanks between commas are dropped. */
function list(doc: string): Variable<string[]> {
  const convert = (raw: string): string[] =>
    raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return variable<string[]>([], convert, '—', doc);
}

function oneOf<const T extends string>(values: readonly [T, ...T[]], doc: string): Variable<T> {
  const convert = (raw: string): T => {
    const hit = values.find((v) => v === raw);
    if (hit === undefined) throw new Error(`must be ${values.join(' or ')}, got "${raw}"`);
    return hit;
  };
  return variable(values[0], convert, code(values[0]), doc);
}

function json<T>(schema: z.ZodType<T>, fallback: T, doc: string): Variable<T> {
  const convert = (raw: string): T => {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new Error('is not valid JSON');
    }
    const r = schema.safeParse(value);
    if (!r.success) throw new Error(`does not have the expected shape: ${z.prettifyError(r.error).replaceAll('\n', ' ')}`);
    return r.data;
  };
  return variable(fallback, convert, code(JSON.stringify(fallback)), doc);
}

/**
 * `true` would trust every hop, so anyone could name their own address in `X-Forwarded-For` and
 * step around per-network limits: only a hop count or the proxies' addresses are accepted.
 */
function trustProxy(doc: string): Variable<false | number | string[]> {
  const convert = (raw: string): false | number | string[] => {
    if (raw === 'false' || raw === '0') return false;
    if (/^\d+$/.test(raw)) return Number(raw);
    if (raw === 'true') {
      throw new Error(
        "true would trust any client's X-Forwarded-For; set the number of proxies in front of the app (e.g. 1) or their addresses (e.g. 10.0.0.5,10.0.1.0/24)",
      );
    }
    const addresses = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const a of addresses) {
      if (!/^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(a) && !['loopback', 'linklocal', 'uniquelocal'].includes(a)) {
        throw new Error(`${a} is not an address, a CIDR range or a hop count`);
      }
    }
    return addresses;
  };
  return variable<false | number | string[]>(false, convert, code(false), doc);
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
  roomReservations: { env: 'ROOM_RESERVATIONS_PER_HOUR', points: 60, durationSec: 3600 },
  watchPartiesCreated: { env: 'WATCH_PARTIES_CREATED_PER_HOUR', points: 20, durationSec: 3600 },
  reports: { env: 'REPORTS_PER_HOUR', points: 10, durationSec: 3600 },
  reportsPerTarget: { env: 'REPORTS_PER_TARGET_PER_DAY', points: 2, durationSec: 86_400 },
  wordListEdits: { env: 'WORD_LIST_EDITS_PER_HOUR', points: 100, durationSec: 3600 },
  checkouts: { env: 'SHOP_CHECKOUTS_PER_USER_PER_MIN', points: 30, durationSec: 60 },
  pays: { env: 'SHOP_PAYS_PER_USER_PER_MIN', points: 30, durationSec: 60 },
  touchesPerIp: { env: 'SHOP_TOUCHES_PER_IP_PER_MIN', points: 600, durationSec: 60 },
  reviewWrites: { env: 'SHOP_REVIEW_WRITES_PER_HOUR', points: 30, durationSec: 3600 },
  aftersalesWrites: { env: 'SHOP_AFTERSALES_WRITES_PER_HOUR', points: 30, durationSec: 3600 },
  matchSkips: { env: 'MATCH_SKIPS_PER_MIN', points: 20, durationSec: 60 },
  pushSubscriptions: { env: 'PUSH_SUBSCRIPTION_CHANGES_PER_HOUR', points: 30, durationSec: 3600 },
  groupMessagePoints: { env: 'FAN_POINTS_GROUP_MESSAGES_PER_DAY', points: 20, durationSec: 86_400 },
} as const satisfies Record<string, Limit & { env: string }>;

export type RateLimitName = keyof typeof RATE_LIMITS;

const rate = (name: RateLimitName, doc: string): Variable<number> => positive(RATE_LIMITS[name].points, doc);

export const DEV_WEBHOOK_SECRET = 'tremolo-dev-webhook-secret';

/** In README order: the table is generated from this object. */
export const VARIABLES = {
  PORT: number(8080, 'HTTP and WebSocket port'),
  HOST: text('0.0.0.0', 'interface to listen on'),
  DATA_DIR: text(path.join(repoRoot, 'data'), 'where PGlite keeps its files (and uploads, unless `STORAGE_DIR`)', '`./data`'),
  DATABASE_URL: optionalText(
    'PostgreSQL connection string; when set, PGlite is not used. Migrations run at start under an advisory lock, so several nodes may start together',
  ),
  DATABASE_POOL_SIZE: positive(20, 'connections per node to PostgreSQL'),
  REDIS_URL: optionalText(
    'Redis for cross-node realtime fan-out (pub/sub), shared rate limits and node liveness. Needed when running more than one node',
  ),
  REDIS_PREFIX: variable(
    'tremolo',
    (raw) => {
      if (!/^[A-Za-z0-9_.-]{1,64}$/.test(raw)) throw new Error(`must be 1–64 letters, digits, '.', '_' or '-', got "${raw}"`);
      return raw;
    },
    '`tremolo`',
    'first part of every Redis key and pub/sub channel (`<prefix>:…`), so several deployments can share one Redis without crosstalk',
  ),
  CLUSTER_HEARTBEAT_MS: positive(
    1000,
    'how often each node says it is alive (a Redis key with a TTL, else a row in PostgreSQL; nothing to share on PGlite) and looks for dead nodes',
  ),
  CLUSTER_DEAD_AFTER_MS: positive(
    5000,
    "a node silent this long is dead: one surviving node runs the modules' sweeps of what it held (room presence, a watch party's buffering wait). A node that finds itself declared dead exits",
  ),
  WORKERS: wholeAtLeast(
    1,
    1,
    'server processes this host runs on one port (node:cluster; connections are dealt round-robin), so socket writes of a fan-out spread over cores. Each is a node of its own, so above 1 needs `REDIS_URL` and `DATABASE_URL`; a worker that dies is started again',
  ),
  STORAGE_DIR: optionalText(
    'where uploaded files are stored (unless `S3_BUCKET`): `public/` (avatars, product images, room covers; served under `/media/`) and `private/` (videos, their transcodes and posters, uploads in progress; never served by path, streamed only by `/api/v1/videos/:id/stream` and `/poster` after the visibility check). An older flat layout is moved into the two areas at start',
    '`$DATA_DIR/uploads`',
  ),
  S3_BUCKET: optionalText(
    "keep uploaded files in this bucket of S3-compatible object storage (AWS S3, Cloudflare R2, MinIO, …) instead of `STORAGE_DIR`, so every node serves every file: `<S3_PREFIX>public/…` (avatars, product images, room covers; served under `/media/` by any node) and `<S3_PREFIX>private/…` (videos, transcodes, posters; leave only after the visibility check). `STORAGE_DIR` then holds only this node's scratch files (uploads being received, ffmpeg's work)",
  ),
  S3_ENDPOINT: optionalText(
    'endpoint of an S3-compatible service, e.g. `https://<account>.r2.cloudflarestorage.com` (R2) or `http://minio:9000`; unset: AWS S3 in `S3_REGION`',
    'AWS S3',
  ),
  S3_REGION: text('us-east-1', 'region of the bucket (`auto` for R2)'),
  S3_ACCESS_KEY_ID: optionalText(
    "access key; with `S3_SECRET_ACCESS_KEY`. Unset: the AWS SDK's default chain (`AWS_ACCESS_KEY_ID`, a profile, an instance role)",
  ),
  S3_SECRET_ACCESS_KEY: optionalText('secret key of `S3_ACCESS_KEY_ID`'),
  S3_FORCE_PATH_STYLE: boolean(
    false,
    '`true` addresses objects as `<endpoint>/<bucket>/<key>` (MinIO, s3rver and most self-hosted services); `false` as `<bucket>.<endpoint>/<key>` (AWS, R2)',
  ),
  S3_PREFIX: text('', 'prefix of every object key (e.g. `tremolo/`), so one bucket can hold several deployments', '—'),
  S3_PUBLIC_URL: optionalText(
    "where browsers can read the bucket's objects directly (a public bucket or a CDN in front of it; allow only `<S3_PREFIX>public/` there): avatar, product and cover URLs then point at `<S3_PUBLIC_URL>/<S3_PREFIX>public/<key>` and CSP allows that origin. Unset: they are `/media/<key>`, streamed from the bucket by the node",
  ),
  S3_SIGNED_URL_SEC: number(
    0,
    'when above 0, a private file (video, poster) leaves by a redirect to a presigned URL valid this many seconds, issued after the same visibility check, instead of streaming through the node; browsers must reach `S3_ENDPOINT` (CSP allows its origin)',
  ),
  PUBLIC_URL: optionalText('absolute base URL used in card links and QR codes (e.g. `https://tremolo.example`)', 'request origin'),
  LOG_LEVEL: text('info', 'pino level: `fatal`…`debug`, or `silent`'),
  COOKIE_SECURE: boolean(
    false,
    'set `true` behind HTTPS so session cookies are `Secure`; also turns on HSTS and `upgrade-insecure-requests`',
  ),
  TRUST_PROXY: trustProxy(
    'which proxies may name the client in `X-Forwarded-For` (rate limits are per network): the number of proxies in front of the app (e.g. `1` behind one HAProxy), or their addresses / CIDR ranges (`10.0.0.5,10.0.1.0/24`). `true` is refused at start: it would let any client choose its own address',
  ),
  SESSION_TTL_DAYS: number(30, 'session lifetime'),
  SESSION_CACHE_SEC: number(
    30,
    "how long a node may answer for a session (and its person's row) from memory before reading it again; logout, password and profile changes reach every node at once over the bus (Redis), this is only the backstop. `0`: every request reads the database",
  ),
  MAX_AVATAR_BYTES: number(5_242_880, 'largest avatar upload'),
  MAX_BODY_BYTES: number(65_536, 'largest JSON body'),
  SEED_DEMO: boolean(true, 'create demo content on an empty database'),
  RATE_LIMIT_LOGIN_PER_IP_PER_MIN: rate('loginPerIp', 'login attempts per IP per minute'),
  RATE_LIMIT_LOGIN_FAILS_PER_ACCOUNT_NETWORK: rate(
    'loginFailsPerAccountNetwork',
    'failed logins for one account from one network per 15 minutes; then that network waits (the account is never locked for everyone)',
  ),
  RATE_LIMIT_LOGIN_FAILS_PER_IP_PER_HOUR: rate('loginFailsPerNetwork', 'failed logins from one network per hour, whatever the account'),
  LOGIN_SLOWDOWN_AFTER_FAILS: number(
    5,
    'failed logins for an account (from anywhere, 15 min) before each further attempt is delayed; a device that logged in to the account before is not delayed',
  ),
  LOGIN_SLOWDOWN_STEP_MS: number(250, 'first delay; it doubles with every further failure'),
  LOGIN_SLOWDOWN_MAX_MS: number(5000, 'longest delay'),
  DEVICE_COOKIE_SECRET: optionalText(
    'signs the "this device logged in before" cookie; set the same value on every node',
    'random per process',
  ),
  RATE_LIMIT_PASSWORD_FAILS_PER_ACCOUNT: rate('passwordFails', 'change-password attempts per account per 15 minutes (a success resets it)'),
  WRITES_PER_ROUTE_PER_MIN: rate(
    'writesPerRoute',
    'any state-changing API call, per person (or network when logged out) and route, per minute: the floor under every action without a limit of its own',
  ),
  WS_STORED_PUBLISHES_PER_MIN: rate(
    'storedPublishes',
    'stored posts on the socket (broadcasts, chat, shares) per person per minute, across all their sockets',
  ),
  FOLLOWS_PER_MIN: rate('follows', 'follows, unfollows, blocks and unblocks per person per minute'),
  FOLLOW_NOTIFY_WINDOW_SEC: positive(86_400, 'a re-follow within this window does not notify the person again'),
  LIKES_PER_MIN: rate('likes', 'likes and unlikes per person per minute'),
  COMMENTS_PER_MIN: rate('comments', 'comments and replies per person per minute'),
  VIDEO_UPLOADS_PER_HOUR: rate('videoUploads', 'video uploads per person per hour (counted before the bytes are read)'),
  GROUP_JOINS_PER_HOUR: rate('groupJoins', 'group joins and leaves per person per hour'),
  GROUPS_CREATED_PER_HOUR: rate('groupsCreated', 'new fan groups per person per hour'),
  ROOMS_CREATED_PER_HOUR: rate('roomsCreated', 'new friends chat rooms per person per hour'),
  ROOM_RESERVATIONS_PER_HOUR: rate(
    'roomReservations',
    'reservations (预约) of scheduled rooms and their cancellations per person per hour',
  ),
  WATCH_PARTIES_CREATED_PER_HOUR: rate('watchPartiesCreated', 'new watch parties per person per hour'),
  REPORTS_PER_HOUR: rate('reports', 'reports (any surface, 连线 included) and appeals per person per hour'),
  REPORTS_PER_TARGET_PER_DAY: rate(
    'reportsPerTarget',
    'reports by one person about one other person (连线) or one piece of content per day',
  ),
  WORD_LIST_EDITS_PER_HOUR: rate('wordListEdits', 'word filter additions per person per hour'),
  RATE_LIMIT_SIGNUP_PER_IP_PER_HOUR: rate('signupPerIp', 'sign-ups per IP per hour'),
  WS_HEARTBEAT_MS: number(15_000, 'WebSocket ping interval; a socket that misses one is closed'),
  WS_SLOW_SOCKET_BYTES: number(4_194_304, 'a socket with more than this unsent is cut off (it resumes with its last sequence)'),
  WS_FRAMES_PER_SECOND: number(50, 'frames one socket may send per second before it gets `rate_limited` errors'),
  WS_MAX_SOCKETS_PER_SESSION: number(
    8,
    'sockets one session (a logged-in browser) may have open at once, across all nodes when `REDIS_URL` is set; opening one more closes the oldest (close code 4011, an `err` frame `limit_reached` first), and that tab offers to resume',
  ),
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: number(
    200,
    'channels one socket may be subscribed to at once; beyond it a `sub` gets an `err` frame `limit_reached`',
  ),
  VIDEO_MAX_BYTES: number(209_715_200, 'largest video upload (200 MB)'),
  VIDEO_MAX_DURATION_SEC: number(600, 'longest video accepted'),
  VIDEO_PROCESS_RETRIES: wholeAtLeast(
    2,
    0,
    'further attempts at processing a video after one fails (ffmpeg error, or its node died) before the video is marked `failed`',
  ),
  VIDEO_PROCESS_RETRY_DELAY_SEC: wholeAtLeast(
    10,
    1,
    'wait before the first retry of a video processing job; it doubles (with jitter) for each further retry',
  ),
  VIDEO_PROCESS_TEST_DELAY_MS: wholeAtLeast(
    0,
    0,
    'tests only: each processing attempt waits this long before ffmpeg starts, so a test can stop a node in the middle of one',
  ),
  JOBS_HEARTBEAT_SEC: wholeAtLeast(
    30,
    10,
    'a node running a background job (video processing) confirms every half of this that it is alive; a job not confirmed for this long (its node died or lost the database) is retried on any node. At least 10 (pg-boss)',
  ),
  JOBS_SWEEP_SEC: wholeAtLeast(
    5,
    1,
    "how often the nodes look for jobs whose node stopped confirming them (one node per interval does it): a dead node's job is retried within `JOBS_HEARTBEAT_SEC` + this + the retry delay",
  ),
  JOBS_POLL_MS: wholeAtLeast(2000, 500, 'how often an idle node asks the queue for work; a node starts a job it enqueued itself at once'),
  CHAT_MESSAGES_PER_10S: number(20, 'messages one person may send per 10 s in one group, and across DMs'),
  PAYMENT_WEBHOOK_SECRET: text(
    DEV_WEBHOOK_SECRET,
    'HMAC secret of test-provider webhooks. The server refuses to start with the default in production (`NODE_ENV=production` or an `https` `PUBLIC_URL`)',
    '`tremolo-dev-webhook-secret`',
  ),
  NODE_ENV: optionalText('`production` makes the start-up checks above strict'),
  PAYMENT_TEST_ASYNC_DELAY_MS: number(1500, 'delay before the test provider confirms a 3220 card'),
  PAYMENT_TEST_WEBHOOK_URL: optionalText(
    'where the test provider posts webhooks',
    '`http://127.0.0.1:<port>/api/v1/payments/webhooks/test`',
  ),
  SHOP_PAYMENT_WINDOW_SEC: number(1800, 'how long an ordinary order holds its units unpaid (flash sales set their own, default 600)'),
  SHOP_SWEEP_INTERVAL_MS: number(1000, 'expiry / settlement / reconcile pass; `0` disables the timer'),
  SHOP_PROCESSING_GRACE_SEC: number(120, 'extra time an order with an asynchronously confirming payment keeps its units'),
  SHOP_FLASH_GATE_MS: number(
    2000,
    "how often a flash sale's admission tokens are reset to the units PostgreSQL has left (one node does it)",
  ),
  SHOP_FLASH_ADMIT_MAX: positive(
    64,
    'flash-sale winners (attempts holding a token) per sale running their transaction at once on one node',
  ),
  SHOP_MAX_IMAGE_BYTES: number(
    8_388_608,
    'largest product image accepted (uploads are also capped by the app-wide multipart limit, `MAX_AVATAR_BYTES`)',
  ),
  SHOP_CHECKOUTS_PER_USER_PER_MIN: rate('checkouts', 'checkout and flash checkout calls per person'),
  SHOP_PAYS_PER_USER_PER_MIN: rate('pays', 'pay calls per person'),
  SHOP_TOUCHES_PER_IP_PER_MIN: rate('touchesPerIp', 'view/click recording calls per network'),
  SHOP_TOUCH_WINDOW_SEC: positive(
    1800,
    "one viewer's (account, or network + browser when logged out) view or click of one product on one kind of surface counts once per window in insights",
  ),
  SHOP_REVIEW_WRITES_PER_HOUR: rate('reviewWrites', 'reviews, review photos and seller replies per person'),
  ORDER_AUTO_DELIVER_DAYS: positive(10, 'days after shipping when an order the buyer has not confirmed is taken as delivered'),
  ORDER_AFTERSALES_DAYS: positive(
    15,
    'days after delivery during which a buyer may open an after-sales request (refund or return) on an order line',
  ),
  SHOP_AFTERSALES_WRITES_PER_HOUR: rate(
    'aftersalesWrites',
    'after-sales steps per person (open, photo, ship back, escalate, accept, decline, confirm receipt, moderator decision)',
  ),
  SHOP_UNPAID_UNITS_PER_BUYER: positive(20, 'units one buyer may hold in unpaid orders at once (`409 too_many_unpaid` beyond it)'),
  WEB_DIST_DIR: text(path.join(repoRoot, 'web', 'dist'), 'built web app to serve', '`web/dist`'),
  ICE_SERVERS: json(
    z.array(IceServerSchema),
    [],
    'JSON array of WebRTC ICE servers for 1v1 calls (连线, shake) and friends chat rooms, e.g. `[{"urls":"turn:turn.example:3478","username":"u","credential":"p"}]`; run a TURN server (coturn) in production',
  ),
  MEDIA: oneOf(
    ['werift', 'janus'],
    'SFU for friends chat rooms: `werift` (inside the server process) or `janus` (a Janus server, see "Running with Janus")',
  ),
  JANUS_URL: optionalText(
    'Janus WebSocket API when `MEDIA=janus`, e.g. `ws://127.0.0.1:8188` (subprotocol `janus-protocol`; `ws+unix:///path/janus-ws.sock:/` for a Unix socket)',
  ),
  MEDIA_ANNOUNCED_ADDRESSES: list(
    "comma-separated extra addresses werift puts in its ICE candidates (e.g. the public IP of a node behind NAT); defaults to the host's own and `127.0.0.1`",
  ),
  MEDIA_WORKER: boolean(
    true,
    'werift forwards media on its own worker thread, so packets never wait behind HTTP and WebSocket work (nor the other way round); `false`: on the main event loop',
  ),
  ROOM_CHAT_PER_10S: number(10, 'chat messages one person may send in one room per 10 s'),
  ROOM_HEART_POSTS_PER_10S: number(20, 'heart posts (each carrying a count) one person may send in one room per 10 s'),
  BROADCAST: boolean(
    true,
    'the audience of a live room beyond its WebRTC seats watches one composed picture over HLS (a compositor job per live room, records the replay); the stage stays on WebRTC. Without ffmpeg it is off. `false`: everyone on WebRTC, no replay',
  ),
  BROADCAST_WEBRTC_SEATS: number(
    40,
    'with the broadcast on, how many of a room’s audience (the first to enter) still get WebRTC while the SFU has room (`npm run bench:sfu` sizes it); `0`: the whole audience watches the broadcast',
  ),
  BROADCAST_SIZE: optionalText('width×height of the broadcast picture (3:4 like the app’s stage); tests use smaller', '`720x960`'),
  BROADCAST_FPS: positive(25, 'frames per second of the broadcast picture'),
  BROADCAST_VIDEO_KBPS: positive(2000, 'H.264 bitrate of the broadcast picture'),
  BROADCAST_SEGMENT_SEC: positive(
    1,
    'length of a broadcast HLS segment (each starts with a keyframe); glass-to-glass latency is about this plus the player’s 1.5 s behind the newest segment',
  ),
  ADMIN_HANDLES: list('comma-separated handles that are moderators (reports, snapshots, bans), besides the `moderators` table'),
  MATCH_FALLBACK_MS: number(3000, 'how long 连线 waits for someone sharing a language and an interest before taking anyone compatible'),
  MATCH_RECENT_MS: number(600_000, 'how long two people who just met are kept apart in the 连线 queue (the end-to-end test shortens it)'),
  MATCH_SKIPS_PER_MIN: rate('matchSkips', '"next" from a call allowed per person per minute (beyond it: `rate_limited`)'),
  PUSH_SUBSCRIPTION_CHANGES_PER_HOUR: rate('pushSubscriptions', 'push subscriptions added, removed or changed per person per hour'),
  PUSH_CONTACT: text(
    'mailto:admin@localhost',
    "contact URL sent to push services with each push (VAPID `sub`): a `mailto:` or `https:` address of the site's operator",
  ),
  PUSH_ALLOW_HTTP_ENDPOINTS: boolean(
    false,
    'accept push subscription endpoints over plain `http:` (tests with a local push service only; production push services are `https:`)',
  ),
  FAN_POINTS_GROUP_MESSAGES_PER_DAY: rate(
    'groupMessagePoints',
    "group messages a day (rolling 24 h) that earn a fan points with the group's creator; more messages are fine, they just earn nothing",
  ),
  MATCH_SKIPS_PER_HOUR: number(300, 'skips within an hour that put a person in a 15-minute cool-down'),
  SHAKE_WINDOW_MS: number(300, 'two shakes pair only when their delay-compensated moments are this close'),
  SHAKE_RING_MS: number(30_000, 'a video call placed from a shake card rings this long before the caller hears "no answer"'),
  ACCOUNT_EXPORT_INTERVAL_HOURS: positive(
    24,
    'a person may ask for an archive of their data once per this many hours (a failed one does not count)',
  ),
  ACCOUNT_EXPORT_TTL_HOURS: positive(
    48,
    'a data archive can be downloaded for this long after it is ready; then it is deleted from storage',
  ),
  ACCOUNT_DELETION_GRACE_DAYS: positive(
    14,
    'an account whose owner asked to delete it waits this many days (logging in offers to cancel) before its profile, content and messages are removed or anonymised',
  ),
  ACCOUNT_SWEEP_SEC: number(
    60,
    'how often each node looks for accounts due for deletion and expired data archives; `0` disables the timer',
  ),
} as const;

type Variables = typeof VARIABLES;
type Env = { [K in keyof Variables]: z.output<Variables[K]['schema']> };

const envSchema = z.object(
  Object.fromEntries(Object.entries(VARIABLES).map(([name, v]) => [name, v.schema])) as { [K in keyof Variables]: Variables[K]['schema'] },
);

/** Parses every variable at once, so a deployment with three mistakes hears about all three. */
function readEnv(env: NodeJS.ProcessEnv): Env {
  const r = envSchema.safeParse(env);
  if (r.success) return r.data;
  throw new Error(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
}

/** README.md's Configuration table, generated from `VARIABLES`. */
export function configTable(): string {
  const rows = Object.entries(VARIABLES).map(([name, v]) => `| \`${name}\` | ${v.shown} | ${v.doc} |`);
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/** Every setting, read from the environment once at start. */
export interface Config {
  port: number;
  host: string;
  /** Where PGlite keeps its files and uploads go by default. `memory://` keeps PGlite in memory (tests). */
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  redisUrl: string | undefined;
  /** First part of every Redis key and channel this deployment uses. */
  redisPrefix: string;
  /** Node liveness: heartbeat period and how long a silent node has before it counts as dead. */
  cluster: { heartbeatMs: number; deadAfterMs: number };
  /** Server processes on this host sharing the port (node:cluster); 1 is this process alone. */
  workers: number;
  /** Local files: the disk store, or with object storage this node's scratch space. */
  storageDir: string;
  /** S3-compatible object storage shared by every node; unset: the disk under `storageDir`. */
  s3: S3Config | undefined;
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
  /** The test payment provider: how long a 3220 card takes to confirm, and where it posts (this server when unset). */
  testPayments: { asyncDelayMs: number; webhookUrl: string | undefined };
  sessionTtlDays: number;
  /** Seconds a resolved session is kept in this node's memory (0: not kept). */
  sessionCacheSec: number;
  maxAvatarBytes: number;
  maxBodyBytes: number;
  maxVideoBytes: number;
  maxVideoDurationSec: number;
  /** Video processing as a background job: retries with backoff, and a test-only delay before ffmpeg. */
  videoProcessing: { retries: number; retryDelaySec: number; testDelayMs: number };
  /** The durable job queue: liveness of running jobs, how often dead ones are looked for, idle polling. */
  jobs: JobsConfig;
  /** Messages one person may send in one group or in DMs per 10 seconds. */
  chatMessagesPer10s: number;
  webDistDir: string;
  seedDemo: boolean;
  /** STUN/TURN servers browsers use for 1v1 calls and rooms. */
  iceServers: IceServer[];
  /** Every limit on repeated actions; docs/security.md lists each with its scope. */
  limits: LimitsConfig;
  realtime: {
    heartbeatMs: number;
    slowSocketBytes: number;
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
  /** The broadcast tier of live rooms: the compositor's picture and HLS segment length. */
  broadcast: { enabled: boolean; width: number; height: number; fps: number; videoKbps: number; segmentSec: number; webrtcSeats: number };
  /** Web Push: the VAPID contact and whether plain-http endpoints (a local test push service) are accepted. */
  push: { contact: string; allowHttpEndpoints: boolean };
  /** Account rights: data archives (how often, how long kept), the deletion grace period and the sweep of both. */
  accountRights: { exportIntervalHours: number; exportTtlHours: number; deletionGraceDays: number; sweepSec: number };
  shop: {
    paymentWindowSec: number;
    sweepIntervalMs: number;
    processingGraceSec: number;
    maxImageBytes: number;
    flashGateMs: number;
    flashAdmitMax: number;
    autoDeliverDays: number;
    aftersalesDays: number;
  };
  match: {
    /** Lower-cased handles that are moderators besides the `moderators` table. */
    adminHandles: string[];
    fallbackMs: number;
    recentMs: number;
    skipsPerHourCooldown: number;
    shakeWindowMs: number;
    ringMs: number;
  };
}

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

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const e = readEnv(env);
  checkWebhookSecret(e);
  checkWorkers(e);
  const base: Config = {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    cluster: { heartbeatMs: e.CLUSTER_HEARTBEAT_MS, deadAfterMs: e.CLUSTER_DEAD_AFTER_MS },
    workers: e.WORKERS,
    storageDir: e.STORAGE_DIR ?? path.join(e.DATA_DIR.startsWith('memory://') ? path.join(repoRoot, '.tmp') : e.DATA_DIR, 'uploads'),
    s3: s3From(e),
    publicUrl: e.PUBLIC_URL,
    logLevel: e.LOG_LEVEL,
    cookieSecure: e.COOKIE_SECURE,
    trustProxy: e.TRUST_PROXY,
    paymentWebhookSecret: e.PAYMENT_WEBHOOK_SECRET,
    testPayments: { asyncDelayMs: e.PAYMENT_TEST_ASYNC_DELAY_MS, webhookUrl: e.PAYMENT_TEST_WEBHOOK_URL },
    sessionTtlDays: e.SESSION_TTL_DAYS,
    sessionCacheSec: e.SESSION_CACHE_SEC,
    maxAvatarBytes: e.MAX_AVATAR_BYTES,
    maxBodyBytes: e.MAX_BODY_BYTES,
    maxVideoBytes: e.VIDEO_MAX_BYTES,
    maxVideoDurationSec: e.VIDEO_MAX_DURATION_SEC,
    videoProcessing: {
      retries: e.VIDEO_PROCESS_RETRIES,
      retryDelaySec: e.VIDEO_PROCESS_RETRY_DELAY_SEC,
      testDelayMs: e.VIDEO_PROCESS_TEST_DELAY_MS,
    },
    jobs: { heartbeatSec: e.JOBS_HEARTBEAT_SEC, sweepSec: e.JOBS_SWEEP_SEC, pollMs: e.JOBS_POLL_MS },
    chatMessagesPer10s: e.CHAT_MESSAGES_PER_10S,
    webDistDir: e.WEB_DIST_DIR,
    seedDemo: e.SEED_DEMO,
    iceServers: e.ICE_SERVERS,
    limits: limitsFrom(e),
    realtime: {
      heartbeatMs: e.WS_HEARTBEAT_MS,
      slowSocketBytes: e.WS_SLOW_SOCKET_BYTES,
      // 50 frames a second is plenty for a person; a live host pushing a fast stream of broadcasts (or a benchmark) may need more.
      framesPerSecond: e.WS_FRAMES_PER_SECOND,
      // A person with a few tabs and a phone stays well within 8; a script opening hundreds does not.
      maxSocketsPerSession: e.WS_MAX_SOCKETS_PER_SESSION,
      // The app follows a few dozen channels at most (inbox, a room, a party, open DMs and groups).
      maxSubscriptionsPerSocket: e.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
    },
    media: { adapter: e.MEDIA, janusUrl: e.JANUS_URL, announcedAddresses: e.MEDIA_ANNOUNCED_ADDRESSES, weriftWorker: e.MEDIA_WORKER },
    rooms: { chatPer10s: e.ROOM_CHAT_PER_10S, heartPostsPer10s: e.ROOM_HEART_POSTS_PER_10S },
    broadcast: {
      enabled: e.BROADCAST,
      ...broadcastSize(e.BROADCAST_SIZE),
      fps: e.BROADCAST_FPS,
      videoKbps: e.BROADCAST_VIDEO_KBPS,
      segmentSec: e.BROADCAST_SEGMENT_SEC,
      webrtcSeats: Math.max(0, Math.floor(e.BROADCAST_WEBRTC_SEATS)),
    },
    push: { contact: e.PUSH_CONTACT, allowHttpEndpoints: e.PUSH_ALLOW_HTTP_ENDPOINTS },
    accountRights: {
      exportIntervalHours: e.ACCOUNT_EXPORT_INTERVAL_HOURS,
      exportTtlHours: e.ACCOUNT_EXPORT_TTL_HOURS,
      deletionGraceDays: e.ACCOUNT_DELETION_GRACE_DAYS,
      sweepSec: e.ACCOUNT_SWEEP_SEC,
    },
    shop: {
      paymentWindowSec: e.SHOP_PAYMENT_WINDOW_SEC,
      sweepIntervalMs: e.SHOP_SWEEP_INTERVAL_MS,
      processingGraceSec: e.SHOP_PROCESSING_GRACE_SEC,
      maxImageBytes: e.SHOP_MAX_IMAGE_BYTES,
      flashGateMs: e.SHOP_FLASH_GATE_MS,
      flashAdmitMax: e.SHOP_FLASH_ADMIT_MAX,
      autoDeliverDays: e.ORDER_AUTO_DELIVER_DAYS,
      aftersalesDays: e.ORDER_AFTERSALES_DAYS,
    },
    match: {
      adminHandles: e.ADMIN_HANDLES.map((h) => h.toLowerCase()),
      fallbackMs: e.MATCH_FALLBACK_MS,
      recentMs: e.MATCH_RECENT_MS,
      skipsPerHourCooldown: e.MATCH_SKIPS_PER_HOUR,
      shakeWindowMs: e.SHAKE_WINDOW_MS,
      ringMs: e.SHAKE_RING_MS,
    },
  };
  return { ...base, ...overrides };
}

/**
 * Workers are nodes of their own: with the in-process bus they would not hear each other's events,
 * and PGlite is one process's database.
 */
function checkWorkers(e: Env): void {
  if (e.WORKERS <= 1) return;
  const missing = (['REDIS_URL', 'DATABASE_URL'] as const).filter((k) => !e[k]);
  if (missing.length) throw new Error(`WORKERS: above 1 needs ${missing.join(' and ')} (each worker is a node of its own)`);
}

/** A public deployment signing webhooks with the secret everyone can read in this repository would accept forged payments. */
function checkWebhookSecret(e: Env): void {
  const production = e.NODE_ENV === 'production' || (e.PUBLIC_URL ?? '').startsWith('https:');
  if (production && e.PAYMENT_WEBHOOK_SECRET === DEV_WEBHOOK_SECRET) {
    throw new Error(
      'PAYMENT_WEBHOOK_SECRET: must be set to a secret of your own in production (NODE_ENV=production or an https PUBLIC_URL)',
    );
  }
}

function s3From(e: Env): S3Config | undefined {
  const s3Set = (['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_PUBLIC_URL'] as const).filter((k) => e[k] !== undefined);
  if (!e.S3_BUCKET) {
    if (s3Set.length) throw new Error(`S3_BUCKET: must be set when ${s3Set.join(', ')} ${s3Set.length > 1 ? 'are' : 'is'} set`);
    return undefined;
  }
  if ((e.S3_ACCESS_KEY_ID === undefined) !== (e.S3_SECRET_ACCESS_KEY === undefined)) {
    throw new Error('S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: set both, or neither to use the AWS SDK default credentials');
  }
  for (const k of ['S3_ENDPOINT', 'S3_PUBLIC_URL'] as const) {
    const v = e[k];
    if (v !== undefined && !/^https?:\/\/[^/]/.test(v)) throw new Error(`${k}: expected an http(s) URL, got "${v}"`);
  }
  if (e.S3_PREFIX && !/^([A-Za-z0-9_][A-Za-z0-9._-]*\/)+$/.test(e.S3_PREFIX)) {
    throw new Error(`S3_PREFIX: expected path segments ending with a slash (e.g. tremolo/), got "${e.S3_PREFIX}"`);
  }
  if (e.S3_SIGNED_URL_SEC < 0 || e.S3_SIGNED_URL_SEC > 604_800) throw new Error('S3_SIGNED_URL_SEC: between 0 and 604800 (7 days)');
  return {
    bucket: e.S3_BUCKET,
    endpoint: e.S3_ENDPOINT,
    region: e.S3_REGION,
    accessKeyId: e.S3_ACCESS_KEY_ID,
    secretAccessKey: e.S3_SECRET_ACCESS_KEY,
    forcePathStyle: e.S3_FORCE_PATH_STYLE,
    prefix: e.S3_PREFIX,
    publicUrl: e.S3_PUBLIC_URL,
    signedUrlSec: e.S3_SIGNED_URL_SEC,
  };
}

function limitsFrom(e: Env): LimitsConfig {
  const rates = Object.fromEntries(
    Object.entries(RATE_LIMITS).map(([name, d]) => [name, { points: e[d.env], durationSec: d.durationSec }]),
  ) as Record<RateLimitName, Limit>;
  return {
    rates,
    touchWindowSec: e.SHOP_TOUCH_WINDOW_SEC,
    followNotifyWindowSec: e.FOLLOW_NOTIFY_WINDOW_SEC,
    unpaidUnitsPerBuyer: e.SHOP_UNPAID_UNITS_PER_BUYER,
    loginSlowdown: {
      freeFails: e.LOGIN_SLOWDOWN_AFTER_FAILS,
      stepMs: e.LOGIN_SLOWDOWN_STEP_MS,
      maxMs: e.LOGIN_SLOWDOWN_MAX_MS,
      windowSec: 900,
    },
    deviceSecret: e.DEVICE_COOKIE_SECRET,
  };
}

/** Only the limits, from an environment (tests of one limit). */
export function loadLimits(env: NodeJS.ProcessEnv): LimitsConfig {
  return limitsFrom(readEnv(env));
}

/** `720x960` → even width and height (H.264 4:2:0); the default has the app stage’s 3:4. */
function broadcastSize(v: string | undefined): { width: number; height: number } {
  const m = /^(\d{2,4})\s*[x×]\s*(\d{2,4})$/.exec(v ?? '');
  if (!m) {
    if (v) throw new Error(`BROADCAST_SIZE must look like 720x960, not ${v}`);
    return { width: 720, height: 960 };
  }
  const even = (n: string) => Math.max(2, Math.floor(Number(n) / 2) * 2);
  return { width: even(m[1]!), height: even(m[2]!) };
}
