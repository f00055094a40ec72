/**
 * Dense integer ids for the engine. The app's users and videos are UUIDs; the engine's
 * arrays are indexed 0..n−1, so each kind of id gets an IdMap that hands out the next index
 * the first time it sees a key and never reuses one (an index stays valid for the life of the
 * process, so rankings computed before and after a refit refer to the same items).
 */
export class IdMap {
  private readonly toIndex = new Map<string, number>();
  private readonly toKey: string[] = [];

  /** Index of `key`, created on first sight. */
  intern(key: string): number {
    let i = this.toIndex.get(key);
    if (i === undefined) {
      i = this.toKey.length;
      this.toIndex.set(key, i);
      this.toKey.push(key);
    }
    return i;
  }

  /** Index of `key`, or undefined when it was never interned. */
  get(key: string): number | undefined {
    return this.toIndex.get(key);
  }

  key(index: number): string {
    const k = this.toKey[index];
    if (k === undefined) throw new RangeError(`unknown index ${index}`);
    return k;
  }

  keys(indices: ArrayLike<number>): string[] {
    const out: string[] = new Array<string>(indices.length);
    for (let i = 0; i < indices.length; i++) out[i] = this.key(indices[i]!);
    return out;
  }

  get size(): number {
    return this.toKey.length;
  }
}
