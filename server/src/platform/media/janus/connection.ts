/**
 * One Janus session over the WebSocket transport (subprotocol `janus-protocol`): transactions,
 * keepalives, and a reconnecting socket that reclaims the session so that publishers and
 * subscribers survive a dropped connection (Janus keeps them for `reclaim_session_timeout`).
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
  trickle?: boolean;
  rid_order?: 'hml' | 'lmh';
}

/** A message from Janus, narrowed to the fields we read. */
export interface JanusMessage {
  janus: string;
  transaction?: string;
  sender?: number;
  reason?: string;
  data?: { id?: number };
  error?: { code: number; reason: string };
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: Jsep;
}

/** What a plugin request returned: the plugin's data and, for negotiations, its SDP. */
export interface PluginReply {
  data: Record<string, unknown>;
  jsep?: Jsep;
}

export class JanusError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'JanusError';
  }
}

/** Janus core error codes we act on (janus/apierror.h). */
export const JANUS_SESSION_NOT_FOUND = 458;
/** The socket dropped or the request timed out; whether it took effect is unknown. */
export const JANUS_UNAVAILABLE = -1;

export interface ConnectionHooks {
  /** The session could not be reclaimed after a reconnect: every handle in it is gone. */
  onSessionLost(): void;
  /** A message for a handle that answers no pending request (hangup, unsolicited events). */
  onHandleMessage(handleId: number, message: JanusMessage): void;
  log?(message: string): void;
}

interface Pending {
  /** Plugin messages are acknowledged first and answered later with an event. */
  waitsForEvent: boolean;
  resolve(message: JanusMessage): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

const KEEPALIVE_MS = 25_000;
const MAX_BACKOFF_MS = 5_000;

export class JanusConnection {
  private ws: WebSocket | null = null;
  private sessionId: number | null = null;
  private readonly pending = new Map<string, Pending>();
  private keepalive: NodeJS.Timeout | null = null;
  private closing = false;
  /** Settles when the socket is open and the session usable; replaced on every reconnect. */
  private ready: Promise<void> = Promise.resolve();
  private markReady: () => void = () => undefined;
  private isReady = true;
  private attempt = 0;

  constructor(
    private readonly url: string,
    private readonly hooks: ConnectionHooks,
    private readonly requestTimeoutMs = 15_000,
  ) {}

  async start(): Promise<void> {
    this.resetReady();
    await this.open();
    await this.createSession();
    this.markReady();
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.keepalive) clearInterval(this.keepalive);
    const ws = this.ws;
    if (ws && ws.readyState === WebSocket.OPEN && this.sessionId !== null) {
      await this.send({ janus: 'destroy', session_id: this.sessionId }, false).catch(() => undefined);
    }
    this.failPending(new JanusError(JANUS_UNAVAILABLE, 'Janus connection closed'));
    ws?.close();
    this.ws = null;
  }

  async attach(): Promise<number> {
    const reply = await this.sessionRequest({ janus: 'attach', plugin: 'janus.plugin.videoroom' }, false);
    const id = reply.data?.id;
    if (typeof id !== 'number') throw new JanusError(JANUS_UNAVAILABLE, 'Janus attach returned no handle id');
    return id;
  }

  async detach(handleId: number): Promise<void> {
    await this.sessionRequest({ janus: 'detach', handle_id: handleId }, false);
  }

  /** Sends a plugin request on a handle; plugin-level errors are thrown as JanusError. */
  async message(handleId: number, body: Record<string, unknown>, jsep?: Jsep): Promise<PluginReply> {
    const reply = await this.sessionRequest({ janus: 'message', handle_id: handleId, body, ...(jsep ? { jsep } : {}) }, true);
    const data = reply.plugindata?.data ?? {};
    const code = data.error_code;
    if (typeof code === 'number') throw new JanusError(code, typeof data.error === 'string' ? data.error : `VideoRoom error ${code}`);
    return reply.jsep ? { data, jsep: reply.jsep } : { data };
  }

  private async sessionRequest(body: Record<string, unknown>, waitsForEvent: boolean): Promise<JanusMessage> {
    await this.waitReady();
    return this.send({ ...body, session_id: this.sessionId }, waitsForEvent);
  }

  private async waitReady(): Promise<void> {
    if (this.closing) throw new JanusError(JANUS_UNAVAILABLE, 'Janus connection closed');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new JanusError(JANUS_UNAVAILABLE, 'Janus is unreachable')), this.requestTimeoutMs);
    });
    try {
      await Promise.race([this.ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private send(body: Record<string, unknown>, waitsForEvent: boolean): Promise<JanusMessage> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new JanusError(JANUS_UNAVAILABLE, 'Janus is unreachable'));
    const transaction = randomUUID();
    return new Promise<JanusMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(new JanusError(JANUS_UNAVAILABLE, `Janus did not answer ${describe(body)} in time`));
      }, this.requestTimeoutMs);
      this.pending.set(transaction, { waitsForEvent, resolve, reject, timer });
      ws.send(JSON.stringify({ ...body, transaction }), (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.pending.delete(transaction);
        reject(new JanusError(JANUS_UNAVAILABLE, `could not send to Janus: ${err.message}`));
      });
    });
  }

  private open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, 'janus-protocol');
      let opened = false;
      ws.once('open', () => {
        opened = true;
        this.ws = ws;
        this.attempt = 0;
        resolve();
      });
      ws.on('message', (raw) => this.onMessage(String(raw)));
      ws.on('error', (err) => {
        if (!opened) reject(new JanusError(JANUS_UNAVAILABLE, `cannot connect to Janus at ${this.url}: ${err.message}`));
      });
      ws.once('close', () => {
        if (!opened) return;
        if (this.ws === ws) this.ws = null;
        this.failPending(new JanusError(JANUS_UNAVAILABLE, 'Janus connection lost'));
        if (!this.closing) this.reconnect();
      });
    });
  }

  private async createSession(): Promise<void> {
    const reply = await this.send({ janus: 'create' }, false);
    const id = reply.data?.id;
    if (typeof id !== 'number') throw new JanusError(JANUS_UNAVAILABLE, 'Janus create returned no session id');
    this.sessionId = id;
    if (this.keepalive) clearInterval(this.keepalive);
    this.keepalive = setInterval(() => {
      if (this.sessionId !== null) this.send({ janus: 'keepalive', session_id: this.sessionId }, false).catch(() => undefined);
    }, KEEPALIVE_MS);
    this.keepalive.unref();
  }

  private reconnect(): void {
    this.resetReady();
    const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** this.attempt++);
    this.hooks.log?.(`Janus connection lost; reconnecting in ${delay} ms`);
    setTimeout(() => {
      if (this.closing) return;
      this.open()
        .then(async () => {
          if (this.sessionId !== null) {
            const claimed = await this.send({ janus: 'claim', session_id: this.sessionId }, false).then(
              () => true,
              () => false,
            );
            if (claimed) {
              this.markReady();
              return;
            }
          }
          await this.createSession();
          this.markReady();
          this.hooks.onSessionLost();
        })
        .catch((err: unknown) => {
          this.hooks.log?.(`Janus reconnect failed: ${err instanceof Error ? err.message : String(err)}`);
          this.ws?.terminate();
          if (!this.ws) this.reconnect();
        });
    }, delay).unref();
  }

  private resetReady(): void {
    // Requests already waiting keep the unsettled promise: reuse it until it settles.
    if (!this.isReady) return;
    this.isReady = false;
    this.ready = new Promise<void>((resolve) => {
      this.markReady = () => {
        this.isReady = true;
        resolve();
      };
    });
  }

  private failPending(error: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(error);
      this.pending.delete(id);
    }
  }

  private onMessage(text: string): void {
    const message = parseJanusMessage(text);
    if (!message) {
      this.hooks.log?.(`ignoring a malformed Janus message: ${text.slice(0, 200)}`);
      return;
    }
    const p = message.transaction ? this.pending.get(message.transaction) : undefined;
    if (p) {
      if (message.janus === 'ack' && p.waitsForEvent) return;
      clearTimeout(p.timer);
      this.pending.delete(message.transaction ?? '');
      if (message.janus === 'error') p.reject(new JanusError(message.error?.code ?? 0, message.error?.reason ?? 'Janus error'));
      else p.resolve(message);
      return;
    }
    if (message.janus === 'timeout') {
      // The session expired under us (e.g. a long event-loop stall): start over.
      this.hooks.log?.('Janus session timed out');
      this.ws?.terminate();
      return;
    }
    if (typeof message.sender === 'number') this.hooks.onHandleMessage(message.sender, message);
  }
}

function describe(body: Record<string, unknown>): string {
  const inner = body.body;
  if (inner && typeof inner === 'object' && 'request' in inner) return `'${String(inner.request)}'`;
  return `'${String(body.janus)}'`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Narrows Janus's JSON to JanusMessage; anything that does not fit is dropped, not trusted. */
function parseJanusMessage(text: string): JanusMessage | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(raw) || typeof raw.janus !== 'string') return null;
  const m: JanusMessage = { janus: raw.janus };
  if (typeof raw.transaction === 'string') m.transaction = raw.transaction;
  if (typeof raw.sender === 'number') m.sender = raw.sender;
  if (typeof raw.reason === 'string') m.reason = raw.reason;
  if (isRecord(raw.data)) m.data = typeof raw.data.id === 'number' ? { id: raw.data.id } : {};
  if (isRecord(raw.error) && typeof raw.error.code === 'number') {
    m.error = { code: raw.error.code, reason: typeof raw.error.reason === 'string' ? raw.error.reason : '' };
  }
  if (isRecord(raw.plugindata) && typeof raw.plugindata.plugin === 'string' && isRecord(raw.plugindata.data)) {
    m.plugindata = { plugin: raw.plugindata.plugin, data: raw.plugindata.data };
  }
  if (isRecord(raw.jsep) && (raw.jsep.type === 'offer' || raw.jsep.type === 'answer') && typeof raw.jsep.sdp === 'string') {
    m.jsep = { type: raw.jsep.type, sdp: raw.jsep.sdp };
  }
  return m;
}
