import {
  CLOSE_CODES,
  EventFrame,
  PROTOCOL_VERSION,
  ServerFrame,
  type ClientFrame,
  type ErrorCode,
  type PublishBody,
} from '@tremolo/protocol';

export type RealtimeStatus = 'connecting' | 'open' | 'reconnecting' | 'closed' | 'outdated' | 'signedOut' | 'displaced';

type EventHandler = (ev: EventFrame) => void;

/**
 * A publish the server refused (`err` with `ref` = the cid), or one that never got an answer
 * because the link dropped (`code: 'disconnected'`: send it again, with the same cid, later).
 */
export class PublishError extends Error {
  constructor(
    readonly code: ErrorCode | 'disconnected',
    message: string,
  ) {
    super(message);
    this.name = 'PublishError';
  }
}

interface PendingPublish {
  ch: string;
  resolve: (ack: { seq: number | null }) => void;
  reject: (err: PublishError) => void;
}

interface ChannelState {
  handlers: Set<EventHandler>;
  readyListeners: Set<() => void>;
  /** Highest durable sequence seen; sent as `since` on resubscribe so the server replays the gap. */
  lastSeq: number | null;
  /** The server confirmed the subscription on the current connection. */
  ready: boolean;
}

/** The part of the browser WebSocket this client uses; tests pass a fake. */
export interface SocketLike {
  readonly readyState: number;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

const OPEN = 1;

function browserSocket(url: string): SocketLike {
  const ws = new WebSocket(url);
  const s: SocketLike = {
    get readyState() {
      return ws.readyState;
    },
    onmessage: null,
    onclose: null,
    onerror: null,
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
  };
  ws.onmessage = (e) => s.onmessage?.({ data: e.data });
  ws.onclose = (e) => s.onclose?.({ code: e.code });
  ws.onerror = (e) => s.onerror?.(e);
  return s;
}

export interface RealtimeOptions {
  /** Base URL of the socket; defaults to this page's origin. */
  url?: string;
  /** Opens a socket; defaults to the browser's WebSocket. */
  connect?: (url: string) => SocketLike;
  /** Backoff bounds for reconnects. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * The one WebSocket this tab keeps to the gateway. It authenticates by the session cookie,
 * validates every frame it receives with the protocol schema, resubscribes after a reconnect
 * with the last sequence per channel, and pings so a dead link is noticed and replaced.
 */
export class RealtimeClient {
  private ws: SocketLike | null = null;
  private readonly channels = new Map<string, ChannelState>();
  /** Publishes waiting for their ack, by cid. */
  private readonly publishes = new Map<string, PendingPublish>();
  private readonly statusListeners = new Set<(s: RealtimeStatus) => void>();
  private readonly pongListeners = new Set<(ts: number, serverTime: number) => void>();
  private status: RealtimeStatus = 'closed';
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private lastHeard = 0;
  private heartbeatMs = 15_000;
  private stopped = true;
  /** What this tab last said about its focus (`focus` frame), told again on each connection and every minute. */
  private focus: { focused: boolean; device: string | null } | null = null;
  private focusSentAt = 0;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly url: string;
  private readonly open: (url: string) => SocketLike;

  constructor(opts: RealtimeOptions = {}) {
    const base = opts.url ?? `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}`;
    this.url = `${base}/ws?v=${PROTOCOL_VERSION}`;
    this.minDelayMs = opts.minDelayMs ?? 500;
    this.maxDelayMs = opts.maxDelayMs ?? 30_000;
    this.open = opts.connect ?? browserSocket;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopPing();
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000, 'bye');
    this.failPublishes();
    this.setStatus('closed');
  }

  /** Reconnects a client that was displaced by the session's newer sockets (this tab takes over). */
  resume(): void {
    if (this.status !== 'displaced') return;
    this.attempt = 0;
    this.start();
  }

  /**
   * Tells the server whether this app is open and focused, and which push device it is: the server
   * pushes nothing to that device meanwhile.
   */
  setFocus(focused: boolean, device: string | null): void {
    this.focus = { focused, device };
    this.sendFocus();
  }

  private sendFocus(): void {
    if (!this.focus || this.ws?.readyState !== OPEN || this.status !== 'open') return;
    this.focusSentAt = Date.now();
    this.send({ t: 'focus', ...this.focus });
  }

  get currentStatus(): RealtimeStatus {
    return this.status;
  }

  /**
   * A clock probe: sends `ping{ts}` now (false when not connected). Every `pong` (the
   * heartbeat's too) reaches the `onPong` listeners synchronously, so they can read their
   * clock at once: the NTP-style samples of watch-together.
   */
  ping(ts: number): boolean {
    if (this.ws?.readyState !== OPEN || this.status !== 'open') return false;
    this.send({ t: 'ping', ts });
    return true;
  }

  onPong(listener: (ts: number, serverTime: number) => void): () => void {
    this.pongListeners.add(listener);
    return () => this.pongListeners.delete(listener);
  }

  onStatus(listener: (s: RealtimeStatus) => void): () => void {
    this.statusListeners.add(listener);
    listener(this.status);
    return () => this.statusListeners.delete(listener);
  }

  /**
   * Listens on a channel; the first listener subscribes, the last one to leave unsubscribes.
   * `onReady` runs each time the server confirms the subscription (after every reconnect too):
   * from then on nothing is missed, so that is the moment to (re)load state over HTTP.
   */
  subscribe(ch: string, handler: EventHandler, onReady?: () => void): () => void {
    let state = this.channels.get(ch);
    if (!state) {
      state = { handlers: new Set(), readyListeners: new Set(), lastSeq: null, ready: false };
      this.channels.set(ch, state);
      this.sendSub(ch, state);
    }
    state.handlers.add(handler);
    if (onReady) {
      state.readyListeners.add(onReady);
      // A later listener on a channel already confirmed would otherwise wait for the next reconnect.
      if (state.ready)
        queueMicrotask(() => {
          if (this.channels.get(ch)?.readyListeners.has(onReady)) onReady();
        });
    }
    return () => {
      const s = this.channels.get(ch);
      if (!s) return;
      s.handlers.delete(handler);
      if (onReady) s.readyListeners.delete(onReady);
      if (s.handlers.size === 0) {
        this.channels.delete(ch);
        this.send({ t: 'unsub', ch });
      }
    };
  }

  /**
   * Publishes a body with the caller's own id; resolves on the server's ack (with the stored
   * sequence on durable channels). Rejects with `disconnected` when the link is down or drops
   * before the ack: a retry with the same cid is stored once.
   */
  publish(ch: string, cid: string, body: PublishBody): Promise<{ seq: number | null }> {
    return new Promise((resolve, reject) => {
      if (this.ws?.readyState !== OPEN || this.status !== 'open') {
        reject(new PublishError('disconnected', 'Not connected'));
        return;
      }
      this.publishes.get(cid)?.reject(new PublishError('disconnected', 'Sent again'));
      this.publishes.set(cid, { ch, resolve, reject });
      this.send({ t: 'pub', ch, cid, body });
    });
  }

  private failPublishes(): void {
    const waiting = [...this.publishes.values()];
    this.publishes.clear();
    for (const p of waiting) p.reject(new PublishError('disconnected', 'The connection dropped'));
  }

  private sendSub(ch: string, state: ChannelState): void {
    this.send(state.lastSeq === null ? { t: 'sub', ch } : { t: 'sub', ch, since: state.lastSeq });
  }

  private send(frame: ClientFrame): void {
    if (this.ws?.readyState === OPEN) this.ws.send(JSON.stringify(frame));
  }

  private setStatus(s: RealtimeStatus): void {
    if (this.status === s) return;
    this.status = s;
    for (const l of this.statusListeners) l(s);
  }

  private connect(): void {
    this.setStatus(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let ws: SocketLike;
    try {
      ws = this.open(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onmessage = (msg) => {
      if (this.ws !== ws) return;
      this.lastHeard = Date.now();
      this.onFrame(msg.data);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopPing();
      this.failPublishes();
      if (e.code === CLOSE_CODES.unsupportedVersion) {
        // Retrying cannot help: this bundle speaks an old protocol.
        this.stopped = true;
        this.setStatus('outdated');
        return;
      }
      if (e.code === CLOSE_CODES.unauthenticated) {
        // The session ended (expired, or logged out elsewhere): retrying cannot help either.
        this.stopped = true;
        this.setStatus('signedOut');
        return;
      }
      if (e.code === CLOSE_CODES.tooManySockets) {
        // Newer tabs of this session took the live connection; reconnecting on our own would
        // close one of them in turn. The person resumes here if they want (see `resume`).
        this.stopped = true;
        this.setStatus('displaced');
        return;
      }
      if (!this.stopped) this.scheduleReconnect();
    };
    // onerror is always followed by onclose, which does the bookkeeping.
    ws.onerror = () => undefined;
  }

  private scheduleReconnect(): void {
    this.setStatus('reconnecting');
    const base = Math.min(this.maxDelayMs, this.minDelayMs * 2 ** this.attempt);
    // Jitter spreads a crowd of clients that lost the same server.
    const delay = base / 2 + Math.random() * (base / 2);
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  private onFrame(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    // Events are checked one by one, so a kind newer than this bundle costs only itself.
    if (json && typeof json === 'object' && 't' in json) {
      if (json.t === 'ev') return this.onEvent(json);
      if (json.t === 'batch' && 'events' in json && Array.isArray(json.events)) {
        for (const e of json.events) this.onEvent(e);
        return;
      }
    }
    const parsed = ServerFrame.safeParse(json);
    if (!parsed.success) {
      console.warn('realtime: ignoring a frame this version does not understand', parsed.error.issues);
      return;
    }
    const frame = parsed.data;
    switch (frame.t) {
      case 'hello':
        this.attempt = 0;
        this.heartbeatMs = frame.heartbeatMs;
        this.setStatus('open');
        this.startPing();
        this.sendFocus();
        for (const [ch, state] of this.channels) {
          state.ready = false;
          this.sendSub(ch, state);
        }
        return;
      case 'subbed': {
        const state = this.channels.get(frame.ch);
        // The head marks where live delivery starts for a first subscription.
        if (!state) return;
        if (state.lastSeq === null) state.lastSeq = frame.head;
        state.ready = true;
        for (const l of state.readyListeners) l();
        return;
      }
      case 'ev':
      case 'batch':
        return; // handled above
      case 'err': {
        const waiting = frame.ref !== undefined ? this.publishes.get(frame.ref) : undefined;
        if (waiting && frame.ref !== undefined) {
          this.publishes.delete(frame.ref);
          waiting.reject(new PublishError(frame.code, frame.message));
          return;
        }
        console.warn(`realtime: ${frame.code}: ${frame.message}`);
        return;
      }
      case 'ack': {
        const waiting = this.publishes.get(frame.cid);
        if (waiting && waiting.ch === frame.ch) {
          this.publishes.delete(frame.cid);
          waiting.resolve({ seq: frame.seq ?? null });
        }
        return;
      }
      case 'pong':
        for (const l of this.pongListeners) l(frame.ts, frame.serverTime);
        return;
      case 'unsubbed':
        return;
    }
  }

  private onEvent(raw: unknown): void {
    const parsed = EventFrame.safeParse(raw);
    if (parsed.success) return this.dispatch(parsed.data);
    console.warn('realtime: ignoring an event this version does not understand', parsed.error.issues);
    // Its sequence still counts, or every reconnect would ask for it again.
    if (!raw || typeof raw !== 'object' || !('ch' in raw) || !('seq' in raw)) return;
    const { ch, seq } = raw;
    const state = typeof ch === 'string' ? this.channels.get(ch) : undefined;
    if (state && typeof seq === 'number' && (state.lastSeq === null || seq > state.lastSeq)) state.lastSeq = seq;
  }

  private dispatch(ev: EventFrame): void {
    const state = this.channels.get(ev.ch);
    if (!state) return;
    if (ev.seq !== undefined) {
      if (state.lastSeq !== null && ev.seq <= state.lastSeq) return;
      state.lastSeq = ev.seq;
    }
    for (const h of state.handlers) h(ev);
  }

  private startPing(): void {
    this.stopPing();
    this.lastHeard = Date.now();
    const every = Math.max(5_000, Math.floor(this.heartbeatMs / 2));
    this.pingTimer = setInterval(() => {
      const ws = this.ws;
      if (!ws) return;
      // Silence for three intervals means the link is gone even if the browser has not noticed.
      if (Date.now() - this.lastHeard > every * 3) {
        // Forget it first: its close event, whenever it comes, must not schedule a second retry.
        this.ws = null;
        ws.close();
        this.stopPing();
        this.failPublishes();
        if (!this.stopped) this.scheduleReconnect();
        return;
      }
      this.send({ t: 'ping', ts: Date.now() });
      // The server's focus mark expires unless repeated (so a node that died does not hold pushes back).
      if (this.focus?.focused && Date.now() - this.focusSentAt > 60_000) this.sendFocus();
    }, every);
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }
}
