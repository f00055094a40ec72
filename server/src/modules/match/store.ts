import { Matcher, type Pair, type QueueEntry } from './matcher.ts';
import { ShakePairer, type Shake, type ShakePair } from './shake.ts';

/** What one pass over the queue and the shake window decided. */
export interface PassResult {
  pairs: Pair[];
  shakes: { pairs: ShakePair[]; unmatched: Shake[] };
}

export interface MatchStoreOptions {
  fallbackMs: number;
  recentMs: number;
  shakeWindowMs: number;
}

/**
 * Where the 连线 queue and the shake window are kept: this process's memory (one node) or Redis
 * (every node shares one queue). The rules are the pure `Matcher` and `ShakePairer` either way;
 * a store only decides where their state lives and makes each step atomic, so nobody is paired
 * twice. Entries remember the node whose socket queued them, so a dead node's people are swept.
 */
export interface MatchStore {
  readonly kind: 'memory' | 'redis';
  /** Into the queue (out of the shake window); the partner when one is waiting. */
  join(entry: QueueEntry, now: number): Promise<Pair | null>;
  /** Into the shake window (out of the queue). */
  shake(s: Shake): Promise<void>;
  /** Out of the queue and the shake window; with `node`, only if they queued through that node. */
  remove(userId: string, node?: string): Promise<void>;
  has(userId: string): Promise<boolean>;
  /** A block or report: the two are never paired, from now on. */
  exclude(a: string, b: string, now: number): Promise<void>;
  /** People past the fallback paired, shakes settled; null when another node is running the pass. */
  pass(now: number): Promise<PassResult | null>;
  /** Out with everyone a dead node queued. */
  sweepNode(nodeId: string): Promise<void>;
}

/** The queue in this process's memory: every step is synchronous, so it is atomic. */
export class MemoryMatchStore implements MatchStore {
  readonly kind = 'memory';
  private readonly matcher: Matcher;
  private readonly shakes: ShakePairer;

  constructor(opts: MatchStoreOptions) {
    this.matcher = new Matcher({ fallbackMs: opts.fallbackMs, recentMs: opts.recentMs });
    this.shakes = new ShakePairer({ windowMs: opts.shakeWindowMs });
  }

  async join(entry: QueueEntry, now: number): Promise<Pair | null> {
    this.shakes.remove(entry.userId);
    return this.matcher.join(entry, now);
  }

  async shake(s: Shake): Promise<void> {
    this.matcher.remove(s.userId);
    this.shakes.add(s);
  }

  async remove(userId: string): Promise<void> {
    this.matcher.remove(userId);
    this.shakes.remove(userId);
  }

  async has(userId: string): Promise<boolean> {
    return this.matcher.has(userId);
  }

  async exclude(a: string, b: string): Promise<void> {
    this.matcher.exclude(a, b);
  }

  async pass(now: number): Promise<PassResult> {
    return { pairs: this.matcher.tick(now), shakes: this.shakes.settle(now) };
  }

  /** Nothing here outlives this process. */
  async sweepNode(): Promise<void> {}
}
