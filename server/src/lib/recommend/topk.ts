/**
 * Top-k selection over a dense score vector with a bounded min-heap: O(n log k), no sort of
 * the whole catalogue. Ties break toward the lower item index so results are deterministic.
 */

export interface Ranked {
  items: Int32Array;
  scores: Float32Array;
}

/**
 * The k best entries of `scores` (descending), leaving out −Infinity and NaN entries and the
 * indices for which `skip(i)` is true. When `candidates` is given only those are considered.
 */
export function topK(scores: ArrayLike<number>, k: number, skip?: (i: number) => boolean, candidates?: ArrayLike<number>): Ranked {
  const heapItems = new Int32Array(Math.max(0, k));
  const heapScores = new Float64Array(Math.max(0, k));
  let size = 0;
  const better = (sa: number, ia: number, sb: number, ib: number): boolean => sa > sb || (sa === sb && ia < ib);

  const offer = (i: number): void => {
    const s = scores[i]!;
    if (!(s > -Infinity)) return;
    if (size === k && (k === 0 || s < heapScores[0]!)) return; // cheap reject before the skip test
    if (skip && skip(i)) return;
    if (size < k) {
      // sift up
      let c = size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!better(heapScores[p]!, heapItems[p]!, s, i)) break;
        heapItems[c] = heapItems[p]!;
        heapScores[c] = heapScores[p]!;
        c = p;
      }
      heapItems[c] = i;
      heapScores[c] = s;
      return;
    }
    if (!better(s, i, heapScores[0]!, heapItems[0]!)) return;
    // replace the root (the worst kept) and sift down
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= size) break;
      const r = l + 1;
      let w = l;
      if (r < size && better(heapScores[l]!, heapItems[l]!, heapScores[r]!, heapItems[r]!)) w = r;
      if (!better(s, i, heapScores[w]!, heapItems[w]!)) break;
      heapItems[c] = heapItems[w]!;
      heapScores[c] = heapScores[w]!;
      c = w;
    }
    heapItems[c] = i;
    heapScores[c] = s;
  };

  if (candidates) for (let c = 0; c < candidates.length; c++) offer(candidates[c]!);
  else for (let i = 0; i < scores.length; i++) offer(i);

  // pop worst-first into the tail of the output
  const items = new Int32Array(size);
  const out = new Float32Array(size);
  for (let pos = size - 1; pos >= 0; pos--) {
    items[pos] = heapItems[0]!;
    out[pos] = heapScores[0]!;
    const lastI = heapItems[size - 1]!;
    const lastS = heapScores[size - 1]!;
    size--;
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= size) break;
      const r = l + 1;
      let w = l;
      if (r < size && better(heapScores[l]!, heapItems[l]!, heapScores[r]!, heapItems[r]!)) w = r;
      if (!better(lastS, lastI, heapScores[w]!, heapItems[w]!)) break;
      heapItems[c] = heapItems[w]!;
      heapScores[c] = heapScores[w]!;
      c = w;
    }
    heapItems[c] = lastI;
    heapScores[c] = lastS;
  }
  return { items, scores: out };
}
