import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { Bus } from '../realtime/bus.ts';
import type { AuthenticatedUser } from './session.ts';

/** The bus topic on which a node tells the others which sessions it has just ended. */
const TOPIC = 'sessions-revoked';

/** One node's revocation, as every other node receives it. */
const Revocation = z.union([
  z.object({ tokenHash: z.string() }),
  // Every session of one person except the one that asked (a password change); none spared when absent.
  z.object({ userId: z.string(), exceptTokenHash: z.string().optional() }),
]);
type Revocation = z.infer<typeof Revocation>;

interface Entry {
  user: AuthenticatedUser;
  expiresAt: number;
}

/**
 * Who holds a session, kept in this node's memory for a few seconds so that a request does not
 * pay a database round trip to learn who sent it. An ended session must not outlive its end on
 * any node: the node that ends one drops it here and tells every other node over the bus before
 * it answers, so the next request anywhere reads the database again. The time limit is only a
 * backstop for a node that missed the message (Redis briefly unreachable).
 */
export class SessionCache {
  private readonly entries: LRUCache<string, Entry> | null;
  /**
   * Counts revocations: a lookup that started before one may have read a row that is now gone,
   * so its answer is used but not kept.
   */
  private generation = 0;

  constructor(
    private readonly bus: Bus,
    opts: { ttlSec: number; max?: number },
  ) {
    this.entries = opts.ttlSec > 0 ? new LRUCache({ max: opts.max ?? 50_000, ttl: opts.ttlSec * 1000 }) : null;
    bus.onSignal(TOPIC, (payload) => {
      const r = Revocation.safeParse(payload);
      if (r.success) this.drop(r.data);
    });
  }

  /** The session behind `tokenHash`: from memory while fresh, else read by `load` (and kept). */
  async resolve(tokenHash: string, load: () => Promise<Entry | null>): Promise<AuthenticatedUser | null> {
    const now = Date.now();
    const hit = this.entries?.get(tokenHash);
    if (hit) {
      if (hit.expiresAt > now) return hit.user;
      this.entries?.delete(tokenHash);
    }
    const generation = this.generation;
    const found = await load();
    if (!found || found.expiresAt <= Date.now()) return null;
    if (generation === this.generation) this.entries?.set(tokenHash, found);
    return found.user;
  }

  /** Ends one session on every node (logout). */
  revokeSession(tokenHash: string): Promise<void> {
    return this.revoke({ tokenHash });
  }

  /** Ends every session of a person on every node, but `exceptTokenHash` (a password change keeps the one that made it). */
  revokeUser(userId: string, exceptTokenHash?: string): Promise<void> {
    return this.revoke(exceptTokenHash === undefined ? { userId } : { userId, exceptTokenHash });
  }

  private async revoke(r: Revocation): Promise<void> {
    this.drop(r);
    // Redis unreachable: the other nodes forget the session when its time in memory runs out.
    await this.bus.signalDelivered(TOPIC, r).catch(() => undefined);
  }

  private drop(r: Revocation): void {
    this.generation++;
    if (!this.entries) return;
    if ('tokenHash' in r) {
      this.entries.delete(r.tokenHash);
      return;
    }
    // Rare (a password change): a walk over the cache beats keeping an index per person on every request.
    for (const [hash, e] of this.entries.entries()) {
      if (e.user.id === r.userId && hash !== r.exceptTokenHash) this.entries.delete(hash);
    }
  }
}
