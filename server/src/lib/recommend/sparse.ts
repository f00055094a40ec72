/**
 * Growable sparse rows (row → column → weight) for the live interaction graph: users' histories,
 * items' audiences and friendships. Each row is a pair of typed arrays walked contiguously by the
 * scorers; a per-row position Map is built only once a row is long enough for a linear scan to
 * hurt, so the common short rows cost two small arrays and nothing else.
 */

const INDEX_THRESHOLD = 24;

class Row {
  cols: Int32Array;
  vals: Float32Array;
  len = 0;
  pos: Map<number, number> | null = null;

  constructor(capacity: number) {
    this.cols = new Int32Array(capacity);
    this.vals = new Float32Array(capacity);
  }

  find(col: number): number {
    if (this.pos) return this.pos.get(col) ?? -1;
    const cols = this.cols;
    for (let k = 0; k < this.len; k++) if (cols[k] === col) return k;
    return -1;
  }

  push(col: number, val: number): void {
    if (this.len === this.cols.length) {
      const cap = Math.max(4, this.cols.length * 2);
      const c = new Int32Array(cap);
      c.set(this.cols);
      const v = new Float32Array(cap);
      v.set(this.vals);
      this.cols = c;
      this.vals = v;
    }
    this.cols[this.len] = col;
    this.vals[this.len] = val;
    if (this.pos) this.pos.set(col, this.len);
    else if (this.len + 1 > INDEX_THRESHOLD) {
      this.pos = new Map();
      for (let k = 0; k <= this.len; k++) this.pos.set(this.cols[k]!, k);
    }
    this.len++;
  }

  /** Removes entry k by moving the last entry into its place. */
  removeAt(k: number): void {
    const last = this.len - 1;
    const col = this.cols[k]!;
    if (k !== last) {
      this.cols[k] = this.cols[last]!;
      this.vals[k] = this.vals[last]!;
      if (this.pos) this.pos.set(this.cols[k], k);
    }
    if (this.pos) this.pos.delete(col);
    this.len = last;
  }
}

const EMPTY_COLS = new Int32Array(0);
const EMPTY_VALS = new Float32Array(0);

export class SparseRows {
  private readonly rows: (Row | undefined)[] = [];
  /** Sum of each row's weights, kept current for the random-walk normalisations. */
  private sums = new Float64Array(16);
  private nnzCount = 0;

  get rowCount(): number {
    return this.rows.length;
  }

  get nnz(): number {
    return this.nnzCount;
  }

  /** Makes sure rows 0..n−1 exist (as empty rows). */
  ensureRows(n: number): void {
    while (this.rows.length < n) this.rows.push(undefined);
    if (this.sums.length < n) {
      const s = new Float64Array(Math.max(n, this.sums.length * 2));
      s.set(this.sums);
      this.sums = s;
    }
  }

  get(row: number, col: number): number {
    const r = this.rows[row];
    if (!r) return 0;
    const k = r.find(col);
    return k < 0 ? 0 : r.vals[k]!;
  }

  /** Sets the weight of (row, col); a weight of 0 removes the entry. */
  set(row: number, col: number, val: number): void {
    this.ensureRows(row + 1);
    let r = this.rows[row];
    if (!r) {
      if (val === 0) return;
      r = new Row(4);
      this.rows[row] = r;
    }
    const k = r.find(col);
    if (k >= 0) {
      this.sums[row] = this.sums[row]! - r.vals[k]! + val;
      if (val === 0) {
        r.removeAt(k);
        this.nnzCount--;
      } else r.vals[k] = val;
    } else if (val !== 0) {
      r.push(col, val);
      this.sums[row] = this.sums[row]! + val;
      this.nnzCount++;
    }
  }

  length(row: number): number {
    return this.rows[row]?.len ?? 0;
  }

  sum(row: number): number {
    return row < this.rows.length ? this.sums[row]! : 0;
  }

  /** Columns of a row; only the first `length(row)` entries are meaningful. */
  cols(row: number): Int32Array {
    return this.rows[row]?.cols ?? EMPTY_COLS;
  }

  vals(row: number): Float32Array {
    return this.rows[row]?.vals ?? EMPTY_VALS;
  }

  clearRow(row: number): void {
    const r = this.rows[row];
    if (!r) return;
    this.nnzCount -= r.len;
    this.rows[row] = undefined;
    this.sums[row] = 0;
  }
}
