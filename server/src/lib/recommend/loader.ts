/**
 * Loader for the `a,b` pair files of the offline data sets (train_set.txt, test_set.txt,
 * trust.txt): one header line, then integer pairs. Ids are already dense indices there; the
 * live app maps its UUIDs through IdMap instead.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Friendship, Interaction } from './engine.ts';

export type Pair = readonly [number, number];

export function parsePairs(text: string): Pair[] {
  const out: Pair[] = [];
  const lines = text.split(/\r?\n/);
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln]!.trim();
    if (line === '') continue;
    const comma = line.indexOf(',');
    if (comma < 0) throw new SyntaxError(`line ${ln + 1}: expected "a,b"`);
    const a = Number(line.slice(0, comma));
    const b = Number(line.slice(comma + 1));
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0) {
      if (out.length === 0 && ln === firstNonEmpty(lines)) continue; // header
      throw new SyntaxError(`line ${ln + 1}: expected two non-negative integers`);
    }
    out.push([a, b]);
  }
  return out;
}

function firstNonEmpty(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) if (lines[i]!.trim() !== '') return i;
  return -1;
}

export interface Dataset {
  readonly name: string;
  readonly train: Pair[];
  readonly test: Pair[];
  readonly trust: Pair[];
  readonly users: number;
  readonly items: number;
}

/** Reads train_set.txt, test_set.txt and (if present) trust.txt from a folder. */
export function loadDataset(dir: string): Dataset {
  const read = (f: string): Pair[] => parsePairs(readFileSync(path.join(dir, f), 'utf8'));
  const train = read('train_set.txt');
  const test = read('test_set.txt');
  let trust: Pair[] = [];
  try {
    trust = read('trust.txt');
  } catch (e) {
    if (!(e instanceof Error && 'code' in e && e.code === 'ENOENT')) throw e;
  }
  let users = 0;
  let items = 0;
  for (const [u, i] of [...train, ...test]) {
    if (u >= users) users = u + 1;
    if (i >= items) items = i + 1;
  }
  for (const [u, f] of trust) users = Math.max(users, u + 1, f + 1);
  return { name: path.basename(path.resolve(dir)), train, test, trust, users, items };
}

export function toInteractions(pairs: readonly Pair[], weight = 1): Interaction[] {
  return pairs.map(([user, item]) => ({ user, item, weight }));
}

/** Friendship pairs as given; trust.txt lists both directions of a mutual friendship. */
export function toFriendships(pairs: readonly Pair[]): Friendship[] {
  return pairs.map(([user, friend]) => ({ user, friend }));
}
