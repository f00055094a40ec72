import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { ErrorCode } from '@tremolo/protocol';
import { AppError } from '../errors.ts';

type Handler = (args: unknown) => Promise<unknown>;

/** The node asked for is not listening (it died or left): nobody will ever answer. */
export class NodeUnreachable extends Error {
  constructor(
    readonly nodeId: string,
    reason: string,
  ) {
    super(`node ${nodeId} ${reason}`);
  }
}

/**
 * Requests addressed to one node, answered by it: what a module uses when the state it needs
 * lives in exactly one process (a werift room's media). Each node listens on its own channel;
 * a request names the node to answer and a reply goes back on the asker's channel.
 */
export interface NodeRpc {
  handle(method: string, handler: Handler): void;
  call(nodeId: string, method: string, args: unknown, timeoutMs?: number): Promise<unknown>;
  close(): Promise<void>;
}

/** One node (no Redis): there is nobody else to ask. */
export class LocalNodeRpc implements NodeRpc {
  handle(): void {}

  call(nodeId: string): Promise<unknown> {
    return Promise.reject(new NodeUnreachable(nodeId, 'is not this node, and without Redis there is no other'));
  }

  async close(): Promise<void> {}
}

const WireError = z.object({
  code: ErrorCode.optional(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
const Wire = z.discriminatedUnion('t', [
  z.object({ t: z.literal('req'), id: z.string(), from: z.string(), method: z.string(), args: z.unknown() }),
  z.object({ t: z.literal('ok'), id: z.string(), value: z.unknown() }),
  z.object({ t: z.literal('err'), id: z.string(), error: WireError }),
]);
type Wire = z.infer<typeof Wire>;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** Node-to-node requests over Redis pub/sub, on `<prefix>:rpc:<nodeId>`. */
export class RedisNodeRpc implements NodeRpc {
  private readonly handlers = new Map<string, Handler>();
  private readonly pending = new Map<string, Pending>();

  private constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly prefix: string,
    private readonly nodeId: string,
    private readonly log: { warn(obj: object, msg: string): void },
  ) {}

  static async connect(url: string, prefix: string, nodeId: string, log: { warn(obj: object, msg: string): void }): Promise<RedisNodeRpc> {
    const rpc = new RedisNodeRpc(
      new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 }),
      new Redis(url, { lazyConnect: true }),
      prefix,
      nodeId,
      log,
    );
    await Promise.all([rpc.pub.connect(), rpc.sub.connect()]);
    await rpc.sub.subscribe(rpc.channel(nodeId));
    rpc.sub.on('message', (_channel: string, json: string) => rpc.receive(json));
    return rpc;
  }

  private channel(nodeId: string): string {
    return `${this.prefix}:rpc:${nodeId}`;
  }

  handle(method: string, handler: Handler): void {
    this.handlers.set(method, handler);
  }

  async call(nodeId: string, method: string, args: unknown, timeoutMs = 10_000): Promise<unknown> {
    const id = randomUUID();
    const answered = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new NodeUnreachable(nodeId, `did not answer ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
    });
    const listeners = await this.pub.publish(
      this.channel(nodeId),
      JSON.stringify({ t: 'req', id, from: this.nodeId, method, args } satisfies Wire),
    );
    if (listeners === 0) {
      // Its subscription went with its process: there is no point waiting for the timeout.
      this.settle(id, (p) => p.reject(new NodeUnreachable(nodeId, 'is not listening')));
    }
    return answered;
  }

  private settle(id: string, fn: (p: Pending) => void): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    fn(p);
  }

  private receive(json: string): void {
    let msg: Wire;
    try {
      msg = Wire.parse(JSON.parse(json));
    } catch (err) {
      this.log.warn({ err }, 'rpc: unreadable message dropped');
      return;
    }
    switch (msg.t) {
      case 'ok':
        return this.settle(msg.id, (p) => p.resolve(msg.value));
      case 'err':
        return this.settle(msg.id, (p) => p.reject(fromWire(msg.error)));
      case 'req':
        void this.serve(msg);
    }
  }

  private async serve(req: Extract<Wire, { t: 'req' }>): Promise<void> {
    let reply: Wire;
    try {
      const handler = this.handlers.get(req.method);
      if (!handler) throw new Error(`no handler for ${req.method}`);
      // JSON has no undefined: a void answer travels as null.
      reply = { t: 'ok', id: req.id, value: (await handler(req.args)) ?? null };
    } catch (err) {
      reply = { t: 'err', id: req.id, error: toWire(err) };
    }
    await this.pub
      .publish(this.channel(req.from), JSON.stringify(reply))
      .catch((err: unknown) => this.log.warn({ err }, 'rpc: reply not sent'));
  }

  async close(): Promise<void> {
    for (const id of [...this.pending.keys()]) this.settle(id, (p) => p.reject(new NodeUnreachable(this.nodeId, 'closed while waiting')));
    this.sub.disconnect();
    await this.pub.quit().catch(() => undefined);
  }
}

/** An explained refusal crosses nodes as itself, so the asker answers the client as the owner would have. */
function toWire(err: unknown): z.infer<typeof WireError> {
  if (err instanceof AppError) return { code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) };
  return { message: err instanceof Error ? err.message : String(err) };
}

function fromWire(e: z.infer<typeof WireError>): Error {
  return e.code ? new AppError(e.code, e.message, e.issues) : new Error(e.message);
}
