interface Waiter<V> {
  resolve(v: V | undefined): void;
  reject(err: unknown): void;
}

/**
 * Lookups by key gathered into rounds: a round starts at once while fewer than `rounds` are out,
 * else whoever asks waits for the next, which asks about all of them in one call of `load`. A
 * burst of a thousand lookups then costs a few queries rather than a thousand, and does not queue
 * behind the connection pool; a lone lookup still starts at once.
 *
 * A round reads only after it starts, so a lookup never gets an answer read before it was asked
 * (a session that ended before someone asked is never returned to them); nothing is cached here.
 */
export class Coalescer<K, V> {
  /** Asked for and not in a round yet; one entry per key, its waiters in order. */
  private readonly next = new Map<K, Waiter<V>[]>();
  private out = 0;

  constructor(
    private readonly load: (keys: K[]) => Promise<Map<K, V>>,
    private readonly opts: { rounds: number; max: number },
  ) {}

  /** What `load` finds for `key` (undefined when it finds nothing). */
  get(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const list = this.next.get(key);
      if (list) list.push({ resolve, reject });
      else this.next.set(key, [{ resolve, reject }]);
      this.pump();
    });
  }

  private pump(): void {
    while (this.out < this.opts.rounds && this.next.size) {
      const batch: [K, Waiter<V>[]][] = [];
      for (const entry of this.next) {
        batch.push(entry);
        if (batch.length === this.opts.max) break;
      }
      for (const [key] of batch) this.next.delete(key);
      this.out++;
      void this.run(batch);
    }
  }

  private async run(batch: [K, Waiter<V>[]][]): Promise<void> {
    try {
      const found = await this.load(batch.map(([key]) => key));
      for (const [key, waiters] of batch) for (const w of waiters) w.resolve(found.get(key));
    } catch (err) {
      for (const [, waiters] of batch) for (const w of waiters) w.reject(err);
    } finally {
      this.out--;
      this.pump();
    }
  }
}
