import type { Limits } from '../auth/limits.ts';
import type { IncomingMessage, Server } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import {
  CLOSE_CODES,
  ClientFrame,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  parseChannel,
  type ChannelEvent,
  type ErrorCode,
  type EventFrame,
  type ServerFrame,
} from '@tremolo/protocol';
import type { Logger } from 'pino';
import { createHash } from 'node:crypto';
import { readCookie, SESSION_COOKIE, type AuthenticatedUser, type SessionResolver } from '../auth/session.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Metrics } from '../metrics.ts';
import type { Bus } from './bus.ts';
import type { ChannelPolicy, ChannelRegistry } from './channels.ts';
import type { EventStore } from './store.ts';
import { MemorySessionSockets, type SessionSockets } from './session-sockets.ts';

interface Subscription {
  /** Highest sequence delivered to this socket (durable channels). */
  lastSeq: number;
  /** While history is being replayed, live events wait here so nothing is sent out of order. */
  replaying: EventFrame[] | null;
}

interface Conn {
  /** Unique across nodes: how another node asks for this socket to be closed. */
  id: string;
  /** An opaque key of the session (not the cookie's value) whose sockets are counted together. */
  session: string;
  ws: WebSocket;
  /** The TCP socket under `ws`, for writing pre-framed fan-out bytes; null if ws hides it. */
  raw: Socket | null;
  user: AuthenticatedUser;
  subs: Map<string, Subscription>;
  alive: boolean;
  /** Frames from one socket are handled one after another, so a sender's publishes keep their order. */
  chain: Promise<void>;
  frameBudget: number;
  closed: boolean;
  /** The push device of the app on this socket while it says it is open and focused. */
  focusedDevice: string | null;
}

/** Hears which push devices have their app open and focused (see the `focus` client frame). */
export type FocusListener = (userId: string, device: string, focused: boolean) => void;

/** One channel as seen by this node: its local subscribers and the events waiting to go out. */
interface LocalChannel {
  name: string;
  policy: ChannelPolicy;
  subscribers: Set<Conn>;
  /** Highest sequence this node has queued for fan-out; -1 until the head is loaded. */
  lastSeq: number;
  ready: Promise<void>;
  /** Durable events that arrived ahead of a gap, keyed by seq. */
  early: Map<number, EventFrame>;
  gapFill: Promise<void> | null;
  pending: EventFrame[];
  pendingEphemeral: EventFrame[];
  /** A flush will start on the next turn of the event loop. */
  scheduled: boolean;
  /** A flush is part-way through the subscribers (it yields to I/O between slices). */
  flushing: boolean;
}

export interface GatewayOptions {
  heartbeatMs: number;
  slowSocketBytes: number;
  /** Frames a socket may send per second before it gets `rate_limited` errors. */
  framesPerSecond?: number;
  /** Sockets one session may have open (across nodes when the registry is shared); the oldest beyond it are closed. */
  maxSocketsPerSession?: number;
  /** Channels one socket may be subscribed to at once. */
  maxSubscriptionsPerSocket?: number;
  /**
   * Stored posts (broadcasts, chat, shares) per person across all their sockets and nodes;
   * the frame budget is per socket, and opening more sockets must not buy more posts.
   */
  storedPublishes?: Limits;
}

const DEFAULT_MAX_SOCKETS_PER_SESSION = 8;
const DEFAULT_MAX_SUBSCRIPTIONS_PER_SOCKET = 200;

const EPHEMERAL_DROP_BYTES = 256 * 1024;
/**
 * A fan-out to thousands of sockets takes tens of milliseconds (mostly the kernel's send path).
 * It yields to the event loop after this long, so database replies of the publish path and
 * other sockets' frames are not stuck behind it. Short, because under load flushes run back to
 * back: a publish needs several turns of the loop (frame, store, ack), each one waiting out a
 * slice, and with 4 ms slices the publish path, not the writes, held latency up in seconds.
 */
const FLUSH_SLICE_MS = 1;

/** The bus topic on which a node asks the others to close one person's sockets. */
const DISCONNECT_TOPIC = 'users-disconnected';

/**
 * The realtime gateway: one WebSocket per client at /ws. It authorizes every frame through
 * the channel policies, stores durable events before acknowledging them, and fans each
 * batch out by serialising it once and writing the same bytes to every socket.
 */
export class Gateway {
  private readonly wss: WebSocketServer;
  private readonly conns = new Set<Conn>();
  private readonly connsById = new Map<string, Conn>();
  private readonly sessionSockets: SessionSockets;
  private readonly channels = new Map<string, LocalChannel>();
  private heartbeat: NodeJS.Timeout | null = null;
  private budgetRefill: NodeJS.Timeout | null = null;
  private closing = false;
  private focusListeners: FocusListener[] = [];
  private connectListeners: ((userId: string) => void)[] = [];

  constructor(
    private readonly deps: {
      sessions: SessionResolver;
      registry: ChannelRegistry;
      store: EventStore;
      bus: Bus;
      log: Logger;
      metrics: Metrics;
      options: GatewayOptions;
      /** Shared (Redis) when several nodes serve one site; this node's memory otherwise. */
      sessionSockets?: SessionSockets;
    },
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
    deps.bus.onEvent((frame, json) => this.onBusEvent(frame, json));
    this.sessionSockets = deps.sessionSockets ?? new MemorySessionSockets();
    this.sessionSockets.onEvict((id) => {
      const conn = this.connsById.get(id);
      if (conn) this.displace(conn);
    });
    deps.bus.onSignal(DISCONNECT_TOPIC, (payload) => {
      if (typeof payload === 'object' && payload && 'userId' in payload && typeof payload.userId === 'string')
        this.closeLocal(payload.userId);
    });
  }

  /**
   * Closes every socket of this person on every node (a suspension or ban): answered once the other
   * nodes have been told, so the person's next frame anywhere finds no socket.
   */
  async disconnectUser(userId: string): Promise<void> {
    this.closeLocal(userId);
    await this.deps.bus.signalDelivered(DISCONNECT_TOPIC, { userId });
  }

  /**
   * A check run before every client publish (after the channel's own): a module refuses people it
   * has restricted (muted, suspended) by throwing an AppError, which the client receives in `err`.
   */
  setPublishGate(gate: (userId: string) => Promise<void>): void {
    this.publishGate = gate;
  }

  private publishGate: ((userId: string) => Promise<void>) | null = null;

  private closeLocal(userId: string): void {
    for (const conn of [...this.conns]) {
      if (conn.user.id !== userId || conn.closed) continue;
      this.sendError(conn, 'unauthenticated', 'Your session has ended');
      conn.ws.close(CLOSE_CODES.unauthenticated, 'unauthenticated');
      setTimeout(() => conn.ws.terminate(), 2000).unref();
      this.drop(conn);
    }
  }

  attach(server: Server): void {
    server.on('upgrade', (req, socket, head) => void this.onUpgrade(req, socket, head));
    this.heartbeat = setInterval(() => this.beat(), this.deps.options.heartbeatMs);
    const fps = this.deps.options.framesPerSecond ?? 50;
    this.budgetRefill = setInterval(() => {
      for (const c of this.conns) c.frameBudget = fps;
    }, 1000);
  }

  get openSockets(): number {
    return this.conns.size;
  }

  /** Publishes a server-originated event (a notification, a system message). */
  async publish(channel: string, body: ChannelEvent, opts: { senderId?: string | null; clientId?: string } = {}): Promise<EventFrame> {
    const parsed = parseChannel(channel);
    const policy = parsed && this.deps.registry.get(parsed.kind);
    if (!policy) throw new Error(`no policy for channel ${channel}`);
    return this.deliver(policy, channel, opts.senderId ?? null, opts.clientId ?? newId(), body);
  }

  private async deliver(policy: ChannelPolicy, ch: string, senderId: string | null, clientId: string, body: ChannelEvent) {
    return (await this.deliverOnce(policy, ch, senderId, clientId, body)).frame;
  }

  /** Stores (when durable) and fans out; `fresh` is false for a retry of something already stored. */
  private async deliverOnce(
    policy: ChannelPolicy,
    ch: string,
    senderId: string | null,
    clientId: string,
    body: ChannelEvent,
  ): Promise<{ frame: EventFrame; fresh: boolean }> {
    if (!policy.durable || policy.ephemeralKinds?.has(body.kind)) {
      const frame: EventFrame = { t: 'ev', ch, from: senderId, at: Date.now(), body };
      this.deps.bus.publish(frame);
      return { frame, fresh: true };
    }
    const { frame, duplicate } = await this.deps.store.append(ch, senderId, clientId, body);
    if (!duplicate) this.deps.bus.publish(frame);
    return { frame, fresh: !duplicate };
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const upgradeTimer = this.deps.metrics.wsUpgrade.startTimer();
    const reject = (status: number, message: string) => {
      socket.end(`HTTP/1.1 ${status} ${message}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${message}`);
    };
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/ws') return reject(404, 'Not Found');
      if (this.closing) return reject(503, 'Shutting down');
      // Cross-site WebSocket hijacking: a cookie-authenticated socket must come from our own origin.
      const origin = req.headers.origin;
      if (origin && new URL(origin).host !== req.headers.host) return reject(403, 'Forbidden origin');
      const user = await this.deps.sessions.resolve(req);
      if (!user) {
        if (!req.headers.cookie?.includes('tremolo_sid=')) return reject(401, 'Unauthorized');
        // A browser cannot read an upgrade's HTTP status: a session that expired or was logged out
        // is told over the socket, so the app can send the person to log in instead of retrying.
        this.wss.handleUpgrade(req, socket, head, (ws) => {
          ws.send(
            JSON.stringify({ t: 'err', code: 'unauthenticated', message: 'Your session has ended; log in again' } satisfies ServerFrame),
          );
          ws.close(CLOSE_CODES.unauthenticated, 'unauthenticated');
        });
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        const v = Number(url.searchParams.get('v') ?? PROTOCOL_VERSION);
        if (v !== PROTOCOL_VERSION) {
          ws.send(
            JSON.stringify({
              t: 'err',
              code: 'unsupported_version',
              message: `Server speaks protocol v${PROTOCOL_VERSION}; reload the app`,
            } satisfies ServerFrame),
          );
          ws.close(CLOSE_CODES.unsupportedVersion, 'unsupported version');
          return;
        }
        upgradeTimer();
        this.onConnection(ws, user, sessionKey(req));
      });
    } catch (e) {
      this.deps.log.warn({ err: e }, 'websocket upgrade failed');
      reject(400, 'Bad Request');
    }
  }

  private onConnection(ws: WebSocket, user: AuthenticatedUser, session: string): void {
    const conn: Conn = {
      id: newId(),
      session,
      ws,
      raw: rawSocket(ws),
      user,
      subs: new Map(),
      alive: true,
      chain: Promise.resolve(),
      frameBudget: this.deps.options.framesPerSecond ?? 50,
      closed: false,
      focusedDevice: null,
    };
    this.conns.add(conn);
    this.connsById.set(conn.id, conn);
    this.deps.metrics.openSockets.set(this.conns.size);
    this.send(conn, {
      t: 'hello',
      v: PROTOCOL_VERSION,
      userId: user.id,
      serverTime: Date.now(),
      heartbeatMs: this.deps.options.heartbeatMs,
    });
    const maxSockets = this.deps.options.maxSocketsPerSession ?? DEFAULT_MAX_SOCKETS_PER_SESSION;
    this.sessionSockets
      .add(session, conn.id, maxSockets)
      .then((victims) => {
        if (victims.length) this.sessionSockets.evict(victims);
        // Closed before the registry answered: take it out again.
        if (conn.closed) void this.sessionSockets.remove(session, conn.id).catch(() => undefined);
      })
      // The cap must not take the realtime service down with Redis: the socket stays, uncounted.
      .catch((err: unknown) => this.deps.log.warn({ err }, 'socket registry unavailable; socket not counted'));
    for (const l of this.connectListeners) l(user.id);
    ws.on('pong', () => (conn.alive = true));
    ws.on('message', (data, isBinary) => {
      conn.alive = true;
      conn.chain = conn.chain
        .then(() => this.onMessage(conn, data, isBinary))
        .catch((err: unknown) => {
          if (err instanceof AppError) return this.sendError(conn, err.code, err.message);
          this.deps.log.error({ err }, 'realtime frame failed');
          this.sendError(conn, 'internal', 'Something went wrong handling that frame');
        });
    });
    ws.on('close', () => this.drop(conn));
    ws.on('error', (err) => {
      this.deps.log.debug({ err }, 'websocket error');
      this.drop(conn);
    });
  }

  private async onMessage(conn: Conn, data: RawData, isBinary: boolean): Promise<void> {
    if (conn.closed) return;
    if (--conn.frameBudget < 0) return this.sendError(conn, 'rate_limited', 'Too many frames; slow down');
    if (isBinary) return this.sendError(conn, 'bad_request', 'Frames are JSON text');
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      return this.sendError(conn, 'bad_request', 'Frame is not valid JSON');
    }
    const parsed = ClientFrame.safeParse(json);
    if (!parsed.success) {
      const ref = typeof json === 'object' && json && 'cid' in json && typeof json.cid === 'string' ? json.cid : undefined;
      return this.sendError(
        conn,
        'validation_failed',
        `Invalid frame: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
        ref,
      );
    }
    const frame = parsed.data;
    switch (frame.t) {
      case 'ping':
        return this.send(conn, { t: 'pong', ts: frame.ts, serverTime: Date.now() });
      case 'sub':
        return this.subscribe(conn, frame.ch, frame.since);
      case 'unsub':
        return this.unsubscribe(conn, frame.ch);
      case 'focus':
        return this.setFocus(conn, frame.focused ? frame.device : null);
      case 'pub': {
        const policy = this.policyFor(conn, frame.ch, frame.cid);
        if (!policy) return;
        const id = parseChannel(frame.ch)!.id;
        const clientId = `${conn.user.id}:${frame.cid}`;
        try {
          // Channels whose policy has side effects (limits, requests, notifications) answer a
          // retry from the store before asking the policy again, so a retry never counts twice.
          if (policy.durable && (policy.prepare || policy.afterPublish) && !policy.ephemeralKinds?.has(frame.body.kind)) {
            const earlier = await this.deps.store.find(frame.ch, clientId);
            if (earlier)
              return this.send(conn, {
                t: 'ack',
                ch: frame.ch,
                cid: frame.cid,
                ...(earlier.seq !== undefined ? { seq: earlier.seq } : {}),
              });
          }
          if (policy.durable && !policy.ephemeralKinds?.has(frame.body.kind))
            await this.deps.options.storedPublishes?.consume('storedPublishes', conn.user.id);
          if (!(await policy.canPublish(conn.user, id, frame.body))) {
            return this.sendError(conn, 'forbidden', `You cannot post ${frame.body.kind} to ${frame.ch}`, frame.cid);
          }
          const body = policy.prepare ? await policy.prepare(conn.user, id, frame.body) : frame.body;
          // Last before storing, so a restriction made while this frame was prepared still holds.
          if (this.publishGate && policy.durable && !policy.ephemeralKinds?.has(frame.body.kind)) await this.publishGate(conn.user.id);
          const { frame: stored, fresh } = await this.deliverOnce(policy, frame.ch, conn.user.id, clientId, body);
          this.send(conn, { t: 'ack', ch: frame.ch, cid: frame.cid, ...(stored.seq !== undefined ? { seq: stored.seq } : {}) });
          if (fresh && policy.afterPublish) {
            // Notifications and counters must not hold up this socket's next frame.
            void policy
              .afterPublish(conn.user, id, stored)
              .catch((err: unknown) => this.deps.log.warn({ err, ch: frame.ch }, 'after-publish hook failed'));
          }
          return;
        } catch (e) {
          if (e instanceof AppError) return this.sendError(conn, e.code, e.message, frame.cid);
          throw e;
        }
      }
    }
  }

  private policyFor(conn: Conn, ch: string, ref: string): ChannelPolicy | null {
    const parsed = parseChannel(ch);
    const policy = parsed && this.deps.registry.get(parsed.kind);
    if (!policy) {
      this.sendError(conn, 'unknown_channel', `No such channel kind: ${ch}`, ref);
      return null;
    }
    return policy;
  }

  private async subscribe(conn: Conn, ch: string, since: number | undefined): Promise<void> {
    const maxSubs = this.deps.options.maxSubscriptionsPerSocket ?? DEFAULT_MAX_SUBSCRIPTIONS_PER_SOCKET;
    if (!conn.subs.has(ch) && conn.subs.size >= maxSubs) {
      return this.sendError(
        conn,
        'limit_reached',
        `A connection may follow at most ${maxSubs} channels at once; unsubscribe from one first`,
        ch,
      );
    }
    const policy = this.policyFor(conn, ch, ch);
    if (!policy) return;
    if (!(await policy.canSubscribe(conn.user, parseChannel(ch)!.id))) {
      return this.sendError(conn, 'forbidden', `You cannot subscribe to ${ch}`, ch);
    }
    if (conn.closed) return;
    const local = this.localChannel(ch, policy);
    await local.ready;
    const existing = conn.subs.get(ch);
    if (!existing && conn.subs.size >= maxSubs) {
      return this.sendError(
        conn,
        'limit_reached',
        `A connection may follow at most ${maxSubs} channels at once; unsubscribe from one first`,
        ch,
      );
    }
    const sub: Subscription = existing ?? { lastSeq: local.lastSeq, replaying: null };
    if (!existing) {
      conn.subs.set(ch, sub);
      local.subscribers.add(conn);
    }
    if (policy.durable && since !== undefined && since < local.lastSeq) {
      sub.replaying = [];
      sub.lastSeq = since;
      const target = local.lastSeq;
      // History first, then whatever arrived live meanwhile; duplicates are skipped by seq.
      while (sub.lastSeq < target) {
        const events = await this.deps.store.range(ch, sub.lastSeq, target);
        if (events.length === 0) break;
        this.sendEvents(conn, sub, events);
      }
      const live = sub.replaying;
      sub.replaying = null;
      this.sendEvents(conn, sub, live);
    } else if (since !== undefined && policy.durable) {
      sub.lastSeq = Math.max(since, Math.min(sub.lastSeq, local.lastSeq));
    }
    this.send(conn, { t: 'subbed', ch, head: policy.durable ? local.lastSeq : 0 });
  }

  private sendEvents(conn: Conn, sub: Subscription, events: EventFrame[]): void {
    const fresh = events.filter((e) => e.seq === undefined || e.seq > sub.lastSeq);
    if (fresh.length === 0) return;
    const last = fresh[fresh.length - 1]!.seq;
    if (last !== undefined) sub.lastSeq = last;
    this.send(conn, fresh.length === 1 ? fresh[0]! : { t: 'batch', events: fresh });
  }

  private evict(ch: string, userId: string): void {
    const local = this.channels.get(ch);
    if (!local) return;
    for (const conn of [...local.subscribers]) {
      if (conn.user.id !== userId || !conn.subs.delete(ch)) continue;
      this.leaveChannel(conn, ch);
      this.sendError(conn, 'forbidden', `You are no longer a member of ${ch}`, ch);
      this.send(conn, { t: 'unsubbed', ch });
    }
  }

  private unsubscribe(conn: Conn, ch: string): void {
    if (!conn.subs.delete(ch)) return this.sendError(conn, 'not_subscribed', `Not subscribed to ${ch}`, ch);
    this.leaveChannel(conn, ch);
    this.send(conn, { t: 'unsubbed', ch });
  }

  private leaveChannel(conn: Conn, ch: string): void {
    const local = this.channels.get(ch);
    if (!local) return;
    local.subscribers.delete(conn);
    if (local.policy.left) {
      // Tells the owning module when this person has no socket left on the channel here (closed tab, unsub).
      let still = false;
      for (const c of local.subscribers) if (c.user.id === conn.user.id) still = true;
      if (!still) local.policy.left(conn.user, parseChannel(ch)!.id);
    }
    if (local.subscribers.size === 0 && !local.scheduled && !local.flushing) this.channels.delete(ch);
  }

  private localChannel(ch: string, policy: ChannelPolicy): LocalChannel {
    let local = this.channels.get(ch);
    if (local) return local;
    const created: LocalChannel = {
      name: ch,
      policy,
      subscribers: new Set(),
      lastSeq: -1,
      ready: Promise.resolve(),
      early: new Map(),
      gapFill: null,
      pending: [],
      pendingEphemeral: [],
      scheduled: false,
      flushing: false,
    };
    created.ready = policy.durable
      ? this.deps.store.head(ch).then((head) => {
          created.lastSeq = head;
          this.drainEarly(created);
        })
      : Promise.resolve().then(() => void (created.lastSeq = 0));
    this.channels.set(ch, created);
    local = created;
    return local;
  }

  private onBusEvent(frame: EventFrame, _json: string): void {
    const local = this.channels.get(frame.ch);
    if (!local) return;
    if (frame.seq === undefined) {
      local.pendingEphemeral.push(frame);
      return this.schedule(local);
    }
    if (local.lastSeq < 0 || frame.seq > local.lastSeq + 1) {
      local.early.set(frame.seq, frame);
      if (local.lastSeq >= 0) this.fillGap(local);
      return;
    }
    if (frame.seq <= local.lastSeq) return;
    local.lastSeq = frame.seq;
    local.pending.push(frame);
    this.drainEarly(local);
    this.schedule(local);
  }

  private drainEarly(local: LocalChannel): void {
    for (const seq of [...local.early.keys()].sort((a, b) => a - b)) {
      const f = local.early.get(seq)!;
      if (seq <= local.lastSeq) local.early.delete(seq);
      else if (seq === local.lastSeq + 1) {
        local.early.delete(seq);
        local.lastSeq = seq;
        local.pending.push(f);
      } else break;
    }
    if (local.pending.length) this.schedule(local);
    if (local.early.size) this.fillGap(local);
  }

  /**
   * Events from two nodes can cross on the bus. A later sequence being committed means
   * every earlier one is (the head row lock orders them), so a gap is read from the store.
   */
  private fillGap(local: LocalChannel): void {
    if (local.gapFill) return;
    const upTo = Math.min(...local.early.keys()) - 1;
    local.gapFill = this.deps.store
      .range(local.name, local.lastSeq, upTo)
      .then((events) => {
        for (const e of events) local.early.set(e.seq!, e);
      })
      .catch((err: unknown) => this.deps.log.error({ err }, 'gap fill failed'))
      .finally(() => {
        local.gapFill = null;
        this.drainEarly(local);
      });
  }

  /**
   * Batching needs no timer: events that arrive while a flush is part-way through the
   * subscribers wait in `pending`, and the next flush starts as soon as that one ends. An idle
   * channel sends at once; a busy one sends batches as large as its own flush time makes them,
   * so each socket still gets one write per batch, and nothing waits longer than one flush.
   */
  private schedule(local: LocalChannel): void {
    // A flush in progress schedules the next one when it ends, so batches never overlap on a socket.
    if (local.scheduled || local.flushing) return;
    local.scheduled = true;
    // The next turn, not now: the events of one bus delivery or one database reply go together.
    setImmediate(() => this.flush(local));
  }

  private flush(local: LocalChannel): void {
    local.scheduled = false;
    const durable = local.pending;
    const ephemeral = local.pendingEphemeral;
    local.pending = [];
    local.pendingEphemeral = [];
    if (durable.length === 0 && ephemeral.length === 0) return this.flushed(local, 0);
    const batch: Batch = {
      durable,
      ephemeral,
      // Serialised and framed once; every up-to-date socket gets these same bytes.
      bytes: durable.length ? frameOf(durable) : null,
      ephBytes: ephemeral.length ? frameOf(ephemeral) : null,
      firstSeq: durable[0]?.seq ?? 0,
      lastSeq: durable[durable.length - 1]?.seq ?? 0,
    };
    // A snapshot: a socket that subscribes meanwhile starts after this batch (its lastSeq says so).
    const targets = [...local.subscribers];
    local.flushing = true;
    let next = 0;
    let deliveries = 0;
    const slice = () => {
      const started = performance.now();
      while (next < targets.length) {
        deliveries += this.deliverBatch(local, targets[next++]!, batch);
        // Checking the clock every 64 sockets keeps its cost out of the loop.
        if ((next & 63) === 0 && performance.now() - started >= FLUSH_SLICE_MS) break;
      }
      if (next < targets.length) return void setImmediate(slice);
      this.flushed(local, deliveries);
      // Membership ended: once this very event has gone out, the person's sockets on every node stop listening.
      for (const e of durable) {
        const b = e.body;
        if (b.kind === 'member' && b.user && (b.event === 'removed' || b.event === 'banned' || b.event === 'left'))
          this.evict(local.name, b.user.id);
      }
    };
    slice();
  }

  /** Writes one batch to one subscriber; returns how many events it delivered. */
  private deliverBatch(local: LocalChannel, conn: Conn, b: Batch): number {
    if (conn.closed) return 0;
    if (conn.ws.bufferedAmount > this.deps.options.slowSocketBytes) {
      this.cutSlow(conn);
      return 0;
    }
    const sub = conn.subs.get(local.name);
    if (!sub) return 0;
    let delivered = 0;
    if (b.bytes) {
      if (sub.replaying) sub.replaying.push(...b.durable);
      else if (sub.lastSeq < b.lastSeq) {
        if (sub.lastSeq === b.firstSeq - 1) {
          this.writeFrame(conn, b.bytes);
          sub.lastSeq = b.lastSeq;
        } else this.sendEvents(conn, sub, b.durable);
        delivered += b.durable.length;
      }
    }
    // Ephemeral events are the first thing dropped for a socket that is falling behind.
    if (b.ephBytes && conn.ws.bufferedAmount < EPHEMERAL_DROP_BYTES) {
      this.writeFrame(conn, b.ephBytes);
      delivered += b.ephemeral.length;
    }
    return delivered;
  }

  private flushed(local: LocalChannel, deliveries: number): void {
    local.flushing = false;
    if (deliveries) this.deps.metrics.eventsFannedOut.inc(deliveries);
    if (local.pending.length || local.pendingEphemeral.length) this.schedule(local);
    else if (local.subscribers.size === 0 && this.channels.get(local.name) === local) this.channels.delete(local.name);
  }

  /**
   * Writes a ready-made text frame. The bytes go straight to the TCP socket: ws would rebuild
   * the same header and issue two corked writes per socket, which is most of the user-space
   * cost of a fan-out. This is only equivalent while ws has nothing queued of its own, which
   * holds because permessage-deflate is off (ws then writes every frame straight through).
   */
  private writeFrame(conn: Conn, frame: PreparedFrame): void {
    if (conn.ws.readyState !== conn.ws.OPEN) return;
    if (conn.raw && !conn.raw.destroyed) conn.raw.write(frame.wire);
    else conn.ws.send(frame.payload, { binary: false });
  }

  private cutSlow(conn: Conn): void {
    this.deps.metrics.slowConsumersCut.inc();
    this.sendError(conn, 'slow_consumer', 'You fell behind; resubscribe with your last sequence');
    conn.ws.close(CLOSE_CODES.slowConsumer, 'slow consumer');
    // Do not wait for the close handshake of a socket that is not reading.
    setTimeout(() => conn.ws.terminate(), 2000).unref();
    this.drop(conn);
  }

  private send(conn: Conn, frame: ServerFrame): void {
    if (conn.closed || conn.ws.readyState !== conn.ws.OPEN) return;
    conn.ws.send(JSON.stringify(frame));
  }

  private sendError(conn: Conn, code: ErrorCode, message: string, ref?: string): void {
    this.send(conn, { t: 'err', code, message, ...(ref !== undefined ? { ref } : {}) });
  }

  /** Closed because the same session opened newer sockets beyond the cap (more tabs than allowed). */
  private displace(conn: Conn): void {
    if (conn.closed) return;
    this.sendError(conn, 'limit_reached', 'Live updates moved to your newer tabs or devices: this session has too many open at once');
    conn.ws.close(CLOSE_CODES.tooManySockets, 'too many sockets for this session');
    setTimeout(() => conn.ws.terminate(), 2000).unref();
    this.drop(conn);
  }

  /** Hears each socket that opens, by its person: their session has started (a module may get ready for them). */
  onConnect(listener: (userId: string) => void): void {
    this.connectListeners.push(listener);
  }

  /** Listens to apps becoming focused or not; a socket that closes counts as not focused. */
  onFocus(listener: FocusListener): void {
    this.focusListeners.push(listener);
  }

  private setFocus(conn: Conn, device: string | null): void {
    const before = conn.focusedDevice;
    conn.focusedDevice = device;
    // Repeats are told too: a listener keeping marks with an expiry refreshes them on each.
    if (before && before !== device) for (const l of this.focusListeners) l(conn.user.id, before, false);
    if (device) for (const l of this.focusListeners) l(conn.user.id, device, true);
  }

  private drop(conn: Conn): void {
    if (conn.closed) return;
    conn.closed = true;
    if (conn.focusedDevice) this.setFocus(conn, null);
    this.conns.delete(conn);
    this.connsById.delete(conn.id);
    void this.sessionSockets.remove(conn.session, conn.id).catch(() => undefined);
    for (const ch of conn.subs.keys()) this.leaveChannel(conn, ch);
    conn.subs.clear();
    this.deps.metrics.openSockets.set(this.conns.size);
  }

  private beat(): void {
    for (const conn of this.conns) {
      if (!conn.alive) {
        conn.ws.terminate();
        this.drop(conn);
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }

  /** Closes every socket with a reason clients treat as "reconnect elsewhere". */
  async close(): Promise<void> {
    this.closing = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.budgetRefill) clearInterval(this.budgetRefill);
    for (const conn of this.conns) {
      conn.ws.close(CLOSE_CODES.shuttingDown, 'server shutting down');
    }
    const deadline = Date.now() + 2000;
    while (this.conns.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const conn of this.conns) conn.ws.terminate();
    this.wss.close();
  }
}

interface PreparedFrame {
  /** The JSON text of the server frame. */
  payload: Buffer;
  /** The same, as a complete unmasked WebSocket text frame (header + payload). */
  wire: Buffer;
}

interface Batch {
  durable: EventFrame[];
  ephemeral: EventFrame[];
  bytes: PreparedFrame | null;
  ephBytes: PreparedFrame | null;
  firstSeq: number;
  lastSeq: number;
}

function frameOf(events: EventFrame[]): PreparedFrame {
  const frame: ServerFrame = events.length === 1 ? events[0]! : { t: 'batch', events };
  const payload = Buffer.from(JSON.stringify(frame));
  return { payload, wire: Buffer.concat([wsTextHeader(payload.length), payload]) };
}

/** RFC 6455 header of a final, unmasked text frame (opcode 1) of `length` bytes. */
function wsTextHeader(length: number): Buffer {
  if (length < 126) return Buffer.from([0x81, length]);
  if (length < 65_536) {
    const h = Buffer.allocUnsafe(4);
    h[0] = 0x81;
    h[1] = 126;
    h.writeUInt16BE(length, 2);
    return h;
  }
  const h = Buffer.allocUnsafe(10);
  h[0] = 0x81;
  h[1] = 127;
  h.writeBigUInt64BE(BigInt(length), 2);
  return h;
}

/** ws keeps its TCP socket in a private field; fall back to `ws.send` if that ever changes. */
function rawSocket(ws: WebSocket): Socket | null {
  const s = (ws as unknown as { _socket?: unknown })._socket;
  return s instanceof Socket ? s : null;
}

/**
 * The session a socket belongs to, as an opaque key: a hash of the cookie's token with a purpose
 * prefix, so the registry (possibly Redis) never holds anything that opens or finds a session.
 */
function sessionKey(req: IncomingMessage): string {
  const token = readCookie(req.headers.cookie, SESSION_COOKIE) ?? '';
  return createHash('sha256').update(`ws-session:${token}`).digest('base64url');
}
