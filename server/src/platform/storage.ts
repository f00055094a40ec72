import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Files anyone may fetch by URL: avatars, product images, room covers. Served under `/media/`.
 * The interface is what an S3 store implements.
 */
export interface Storage {
  put(key: string, bytes: Buffer): Promise<void>;
  remove(key: string): Promise<void>;
  url(key: string): string;
}

/**
 * Files that belong to a person and may be private (uploaded videos, their transcodes and
 * posters, uploads in progress). Nothing serves this area by path: a module streams a file only
 * after its own visibility and block checks, so an old id or a guessed key reveals nothing.
 */
export interface PrivateFiles {
  /** Absolute path of `key`, refusing keys that would leave the area. */
  file(key: string): string;
  readonly dir: string;
}

function inside(root: string, key: string): string {
  const p = path.resolve(root, key);
  if (!p.startsWith(path.resolve(root) + path.sep)) throw new Error(`storage key escapes: ${key}`);
  return p;
}

export class DiskStorage implements Storage {
  constructor(readonly dir: string) {}

  async put(key: string, bytes: Buffer): Promise<void> {
    const p = inside(this.dir, key);
    await mkdir(path.dirname(p), { recursive: true });
    await writeFile(p, bytes);
  }

  async remove(key: string): Promise<void> {
    await rm(inside(this.dir, key), { force: true });
  }

  url(key: string): string {
    return `/media/${key}`;
  }
}

export class DiskPrivateFiles implements PrivateFiles {
  constructor(readonly dir: string) {}

  file(key: string): string {
    return inside(this.dir, key);
  }
}

/** The two areas under `STORAGE_DIR`: `public/` (served at /media/) and `private/` (never served by path). */
export interface StorageLayout {
  publicDir: string;
  privateDir: string;
}

function storageLayout(storageDir: string): StorageLayout {
  return { publicDir: path.join(storageDir, 'public'), privateDir: path.join(storageDir, 'private') };
}

/**
 * Earlier versions kept every upload directly under `STORAGE_DIR` and served all of it, videos
 * included. Moves such a tree into the two areas once, so an existing install keeps its files
 * and its private videos stop being reachable by path.
 */
export async function prepareStorage(storageDir: string): Promise<StorageLayout> {
  const layout = storageLayout(storageDir);
  await mkdir(layout.publicDir, { recursive: true });
  await mkdir(layout.privateDir, { recursive: true });
  for (const entry of await readdir(storageDir)) {
    if (entry === 'public' || entry === 'private') continue;
    const from = path.join(storageDir, entry);
    if (entry === 'tmp') {
      // Half-received uploads of a previous run: nothing refers to them.
      await rm(from, { recursive: true, force: true });
      continue;
    }
    const to = path.join(entry === 'videos' ? layout.privateDir : layout.publicDir, entry);
    if (existsSync(to)) continue;
    await rename(from, to);
  }
  return layout;
}
