/**
 * Latency histogram with fixed buckets, so millions of samples cost a few hundred KB and
 * histograms from several generator processes can simply be added up.
 * 0.1 ms buckets below 1 s, 1 ms buckets up to 2 min, and one overflow bucket.
 */
const FINE_LIMIT_MS = 1000;
const FINE_STEP_MS = 0.1;
const COARSE_LIMIT_MS = 120_000;
const FINE_BUCKETS = FINE_LIMIT_MS / FINE_STEP_MS;
const BUCKETS = FINE_BUCKETS + (COARSE_LIMIT_MS - FINE_LIMIT_MS) + 1;

export class Histogram {
  readonly counts = new Uint32Array(BUCKETS);
  total = 0;
  max = 0;

  record(ms: number): void {
    const v = ms < 0 ? 0 : ms;
    let i: number;
    if (v < FINE_LIMIT_MS) i = Math.floor(v / FINE_STEP_MS);
    else if (v < COARSE_LIMIT_MS) i = FINE_BUCKETS + Math.floor(v - FINE_LIMIT_MS);
    else i = BUCKETS - 1;
    this.counts[i]!++;
    this.total++;
    if (v > this.max) this.max = v;
  }

  /** Upper edge of the bucket holding the q-quantile (0..1); 0 for an empty histogram. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.max, upperEdge(i));
    }
    return this.max;
  }

  /** Sparse form for IPC: [bucket, count] pairs of the non-empty buckets. */
  toSparse(): { pairs: number[]; max: number } {
    const pairs: number[] = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]) pairs.push(i, this.counts[i]!);
    return { pairs, max: this.max };
  }

  addSparse(s: { pairs: number[]; max: number }): void {
    for (let k = 0; k + 1 < s.pairs.length; k += 2) {
      this.counts[s.pairs[k]!]! += s.pairs[k + 1]!;
      this.total += s.pairs[k + 1]!;
    }
    if (s.max > this.max) this.max = s.max;
  }
}

function upperEdge(i: number): number {
  if (i < FINE_BUCKETS) return (i + 1) * FINE_STEP_MS;
  if (i < BUCKETS - 1) return FINE_LIMIT_MS + (i - FINE_BUCKETS) + 1;
  return COARSE_LIMIT_MS;
}
