import type { VideoRow } from '../../videos/service.ts';
import { EXPLORE_EVERY, type History, type Scored } from './types.ts';

/**
 * Stage 3, filter (pure): which of the skeleton's candidates this viewer may get now. Public
 * and ready (the catalogue holds only those, and a video may have left it since the pool was
 * ranked), not mine, not blocked either way; seen or just served ones are kept apart as
 * `recycled`, for when nothing fresh is left.
 */

/** A video served within this window is not served again while fresh ones remain. */
export const SERVED_TTL_MS = 30 * 60_000;

export interface FilterInput {
  pool: readonly Scored[];
  limit: number;
  viewerId: string | null;
  blocked: readonly string[];
  history: History | null;
  now: number;
  /** Whether the catalogue still holds this very row (not removed, not replaced since ranking). */
  isCurrent: (id: string, v: VideoRow) => boolean;
}

export interface Filtered {
  /** In pool order. */
  fresh: Scored[];
  recycled: Scored[];
}

export function filterForYou({ pool, limit, viewerId, blocked, history, now, isCurrent }: FilterInput): Filtered {
  const blockedSet = new Set(blocked);
  const fresh: Scored[] = [];
  const recycled: Scored[] = [];
  // A page takes `limit` from the front of the fresh list (a few more when creators repeat),
  // and its exploration slots the first unpopular ones: past that window only those are
  // worth filtering. The rest is needed (as recycled) only when too few are fresh, and then
  // the loop runs to the end anyway.
  const window = 3 * limit + 10;
  const explorers = Math.ceil(limit / EXPLORE_EVERY) + 1;
  let unpopular = 0;
  for (const x of pool) {
    if (fresh.length >= window) {
      if (unpopular >= explorers) break;
      if (!x.unpopular) continue;
    }
    const { c, v } = x;
    if (v.authorId === viewerId || blockedSet.has(v.authorId) || !isCurrent(c.id, v)) continue;
    const servedAt = history?.served.get(c.id);
    const wasSeen = history?.seen.has(c.id) || (servedAt !== undefined && now - servedAt < SERVED_TTL_MS);
    if (wasSeen) recycled.push(x);
    else {
      fresh.push(x);
      if (x.unpopular) unpopular++;
    }
  }
  return { fresh, recycled };
}
