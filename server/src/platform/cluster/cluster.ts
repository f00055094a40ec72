import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { and, eq, isNull, lt, ne, or, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import type { Db } from '../db/client.ts';
import { clusterNodes } from './tables.ts';

/** Cleans up what a dead node held (presence rows, a paused party's wait, …). Must be idempotent. */
type NodeSweep = (nodeId: string) => Promise<void>;

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ClusterOptions {
  heartbeatMs: number;
  deadAfterMs: number;
  log: Log;
  /** Counts the dead nodes this node swept. */
  onSwept?: (nodeId: string) => void;
}

/**
 * Which nodes are alive, and what happens when one dies. Every node heartbeats under its own id;
 * every node looks for silent ones, and exactly one survivor (the one that claims the dead node
 * first) runs the sweeps modules registered with `onNodeDead`. A node that stops cleanly sweeps
 * its own state on the way out, so a rolling restart leaves nothing for the others to find.
 */
export interface Cluster {
  readonly kind: 'redis' | 'postgres' | 'local';
  /** This process's id, recorded beside anything it holds that another node must clean up. */
  readonly nodeId: string;
  /** The nodes heartbeating now, this one included. */
  alive(): Promise<string[]>;
  /** Registers a sweep, run once (on one survivor) for each dead node. */
  onNodeDead(name: string, sweep: NodeSweep): void;
  /** Called when the others declared this node dead while it still ran (a stall longer than the deadline). */
  onFenced(handler: () => void): void;
  start(): Promise<void>;
  close(): Promise<void>;
}

export function newNodeId(): string {
  return `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

abstract class BaseCluster implements Cluster {
  abstract readonly kind: Cluster['kind'];
  private readonly sweeps: { name: string; sweep: NodeSweep }[] = [];
  private readonly fenced: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  protected started = false;

  constructor(
    readonly nodeId: string,
    protected readonly opts: ClusterOptions,
  ) {}

  abstract alive(): Promise<string[]>;
  /** Says this node is alive; false when the others already declared it dead. */
  protected abstract beat(): Promise<boolean>;
  /** Claims the dead nodes nobody is sweeping yet. */
  protected abstract claimDead(): Promise<string[]>;
  /** After the sweeps: the dead node is forgotten (`ok`), or released for another try. */
  protected abstract finish(nodeId: string, ok: boolean): Promise<void>;
  protected abstract leave(): Promise<void>;

  onNodeDead(name: string, sweep: NodeSweep): void {
    this.sweeps.push({ name, sweep });
  }

  onFenced(handler: () => void): void {
    this.fenced.push(handler);
  }

  async start(): Promise<void> {
    if (!(await this.beat())) throw new Error(`node id ${this.nodeId} is already taken`);
    this.started = true;
    this.timer = setInterval(() => {
      if (this.round) return;
      this.round = this.tick()
        .catch((err: unknown) => this.opts.log.warn({ err }, 'cluster: heartbeat round failed'))
        .finally(() => (this.round = null));
    }, this.opts.heartbeatMs);
    this.timer.unref();
    // Whatever nodes died while none was looking (a whole cluster restarted) is swept now.
    await this.sweepDead();
  }

  private async tick(): Promise<void> {
    if (!(await this.beat())) {
      this.opts.log.error({ nodeId: this.nodeId }, 'cluster: this node was declared dead by the others; its state is gone');
      this.halt();
      for (const h of this.fenced) h();
      return;
    }
    await this.sweepDead();
  }

  private async sweepDead(): Promise<void> {
    for (const dead of await this.claimDead()) {
      const ok = await this.runSweeps(dead);
      await this.finish(dead, ok);
      if (ok) this.opts.onSwept?.(dead);
    }
  }

  /** Every registered sweep for `nodeId`; false if one failed (the node is then swept again later). */
  protected async runSweeps(nodeId: string): Promise<boolean> {
    let ok = true;
    for (const { name, sweep } of this.sweeps) {
      try {
        await sweep(nodeId);
      } catch (err) {
        ok = false;
        this.opts.log.warn({ err, nodeId, sweep: name }, 'cluster: sweep failed');
      }
    }
    if (nodeId !== this.nodeId) this.opts.log.info({ nodeId, ok }, 'cluster: swept a dead node');
    return ok;
  }

  /** Stops heartbeating without leaving: what a crash looks like to the other nodes (and to tests). */
  halt(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async close(): Promise<void> {
    this.halt();
    await this.round;
    if (!this.started) return;
    this.started = false;
    // Nothing of ours may outlive us: clean up now rather than after the deadline.
    await this.runSweeps(this.nodeId);
    await this.leave();
  }
}

/**
 * One node on PGlite: nobody else to watch. Its id is fixed, so what a previous run of the same
 * database left behind (it crashed) is swept when this one starts.
 */
export class LocalCluster extends BaseCluster {
  readonly kind = 'local';
  private first = true;

  constructor(opts: ClusterOptions) {
    super('local', opts);
  }

  alive(): Promise<string[]> {
    return Promise.resolve([this.nodeId]);
  }

  protected beat(): Promise<boolean> {
    return Promise.resolve(true);
  }

  protected claimDead(): Promise<string[]> {
    const previousRun = this.first ? [this.nodeId] : [];
    this.first = false;
    return Promise.resolve(previousRun);
  }

  protected finish(): Promise<void> {
    return Promise.resolve();
  }

  protected leave(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Liveness in Redis: `<prefix>:cluster:node:<id>` with a TTL of the deadline, refreshed every
 * heartbeat, and the set `<prefix>:cluster:nodes` of every node that joined. A member whose key
 * expired is dead; a survivor claims it with SET NX (inside one script that also checks it is
 * still a member and still silent), sweeps, and removes it from the set.
 */
export class RedisCluster extends BaseCluster {
  readonly kind = 'redis';
  private readonly redis: Redis;
  private readonly nodesKey: string;
  private joined = false;

  private static readonly CLAIM = `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if redis.call('SET', KEYS[3], ARGV[2], 'NX', 'PX', ARGV[3]) then return 1 end
return 0
`;

  constructor(
    url: string,
    private readonly prefix: string,
    nodeId: string,
    opts: ClusterOptions,
  ) {
    super(nodeId, opts);
    this.redis = new Redis(url, { maxRetriesPerRequest: 2 });
    this.nodesKey = `${prefix}:cluster:nodes`;
  }

  private nodeKey(id: string): string {
    return `${this.prefix}:cluster:node:${id}`;
  }

  async alive(): Promise<string[]> {
    const members = await this.redis.smembers(this.nodesKey);
    if (members.length === 0) return [];
    const present = await this.redis.exists(...members.map((m) => this.nodeKey(m)));
    if (present === members.length) return members.sort();
    const flags = await Promise.all(members.map((m) => this.redis.exists(this.nodeKey(m))));
    return members.filter((_m, i) => flags[i] === 1).sort();
  }

  protected async beat(): Promise<boolean> {
    const replies = await this.redis
      .multi()
      .set(this.nodeKey(this.nodeId), String(Date.now()), 'PX', this.opts.deadAfterMs)
      .sadd(this.nodesKey, this.nodeId)
      .exec();
    const added = replies?.[1]?.[1];
    // Added again after we had joined: a survivor swept us and removed us from the set.
    if (this.joined && added === 1) return false;
    if (!this.joined && added === 0) {
      await this.redis.del(this.nodeKey(this.nodeId));
      return false;
    }
    this.joined = true;
    return true;
  }

  protected async claimDead(): Promise<string[]> {
    const members = await this.redis.smembers(this.nodesKey);
    const claimed: string[] = [];
    for (const id of members) {
      if (id === this.nodeId) continue;
      const won = await this.redis.eval(
        RedisCluster.CLAIM,
        3,
        this.nodesKey,
        this.nodeKey(id),
        `${this.prefix}:cluster:sweep:${id}`,
        id,
        this.nodeId,
        '60000',
      );
      if (won === 1) claimed.push(id);
    }
    return claimed;
  }

  protected async finish(id: string, ok: boolean): Promise<void> {
    // On success the claim stays until it expires, so nobody who listed the set before the
    // removal can claim the node a second time.
    if (ok) await this.redis.srem(this.nodesKey, id);
    else await this.redis.del(`${this.prefix}:cluster:sweep:${id}`);
  }

  protected async leave(): Promise<void> {
    await this.redis.multi().del(this.nodeKey(this.nodeId)).srem(this.nodesKey, this.nodeId).exec();
  }

  override async close(): Promise<void> {
    try {
      await super.close();
    } finally {
      await this.redis.quit().catch(() => undefined);
    }
  }
}

/**
 * Liveness in PostgreSQL (several nodes without Redis): a row per node with `seen_at` on the
 * database's clock. Claiming a silent node is one UPDATE, so one survivor wins; a claim older
 * than a minute (its sweeper died too) may be taken over.
 */
export class PostgresCluster extends BaseCluster {
  readonly kind = 'postgres';

  constructor(
    private readonly db: Db,
    nodeId: string,
    opts: ClusterOptions,
  ) {
    super(nodeId, opts);
  }

  private cutoff() {
    return sql`now() - make_interval(secs => ${this.opts.deadAfterMs / 1000})`;
  }

  async alive(): Promise<string[]> {
    const rows = await this.db
      .select({ id: clusterNodes.nodeId })
      .from(clusterNodes)
      .where(and(isNull(clusterNodes.sweeper), sql`${clusterNodes.seenAt} >= ${this.cutoff()}`))
      .orderBy(clusterNodes.nodeId);
    return rows.map((r) => r.id);
  }

  protected async beat(): Promise<boolean> {
    if (!this.started) {
      const rows = await this.db
        .insert(clusterNodes)
        .values({ nodeId: this.nodeId })
        .onConflictDoNothing()
        .returning({ id: clusterNodes.nodeId });
      return rows.length === 1;
    }
    const rows = await this.db
      .update(clusterNodes)
      .set({ seenAt: sql`now()` })
      .where(and(eq(clusterNodes.nodeId, this.nodeId), isNull(clusterNodes.sweeper)))
      .returning({ id: clusterNodes.nodeId });
    return rows.length === 1;
  }

  protected async claimDead(): Promise<string[]> {
    const rows = await this.db
      .update(clusterNodes)
      .set({ sweeper: this.nodeId, sweepStartedAt: sql`now()` })
      .where(
        and(
          ne(clusterNodes.nodeId, this.nodeId),
          lt(clusterNodes.seenAt, this.cutoff()),
          or(isNull(clusterNodes.sweeper), lt(clusterNodes.sweepStartedAt, sql`now() - interval '60 seconds'`)),
        ),
      )
      .returning({ id: clusterNodes.nodeId });
    return rows.map((r) => r.id);
  }

  protected async finish(id: string, ok: boolean): Promise<void> {
    const mine = and(eq(clusterNodes.nodeId, id), eq(clusterNodes.sweeper, this.nodeId));
    if (ok) await this.db.delete(clusterNodes).where(mine);
    else await this.db.update(clusterNodes).set({ sweeper: null, sweepStartedAt: null }).where(mine);
  }

  protected async leave(): Promise<void> {
    await this.db.delete(clusterNodes).where(eq(clusterNodes.nodeId, this.nodeId));
  }
}
