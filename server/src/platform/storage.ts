import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { newId } from './ids.ts';

/**
 * Files anyone may fetch by URL: avatars, product images, room covers. Served under `/media/`
 * (or, with object storage and `S3_PUBLIC_URL`, straight from the bucket).
 * Implemented on local disk (one node) and on S3-compatible object storage (several nodes).
 */
export interface Storage {
  put(key: string, bytes: Buffer): Promise<void>;
  remove(key: string): Promise<void>;
  url(key: string): string;
}

/** What a stored file's HTTP answer needs before any byte is read. */
export interface StoredFile {
  size: number;
  /** A strong or weak validator, quoted as it goes in the `ETag` header. */
  etag: string;
  lastModified: Date;
  contentType: string;
}

/** Reading stored files back, for the routes that serve them (with ranges). */
export interface ReadableFiles {
  /** Size, validator and type of `key`, or null when there is no such file. */
  stat(key: string): Promise<StoredFile | null>;
  /** The bytes of `key`, all of them or `start`…`end` (inclusive). */
  read(key: string, range?: { start: number; end: number }): Promise<Readable>;
}

/** The public area, readable back: what `/media/` serves. */
export interface PublicFiles extends Storage, ReadableFiles {}

/**
 * Files that belong to a person and may be private (uploaded videos, their transcodes and
 * posters). Nothing serves this area by path: a module streams a file only after its own
 * visibility and block checks, so an old id or a guessed key reveals nothing.
 *
 * Keys are shared by every node (with object storage); `scratchDir` is this node's own disk, for
 * uploads in progress and for tools such as ffmpeg that need a local path.
 */
export interface PrivateFiles extends ReadableFiles {
  /** This node's working directory: uploads being received, files being processed. Never shared, never served. */
  readonly scratchDir: string;
  /** Stores the local file `localPath` as `key`; the local file is gone afterwards. */
  putFile(key: string, localPath: string): Promise<void>;
  /** Stores `bytes` as `key` (small files held in memory, such as processed photos). */
  put(key: string, bytes: Buffer): Promise<void>;
  /**
   * A local path holding the bytes of `key`, for tools that need a file. On disk that is the
   * stored file itself; with object storage a download into `scratchDir`, removed by `release`.
   */
  localCopy(key: string): Promise<{ path: string; release(): Promise<void> }>;
  /** Removes `key`; a missing file is not an error. */
  remove(key: string): Promise<void>;
  /** Removes every file under `prefix/` (e.g. `videos/<id>`). */
  removeAll(prefix: string): Promise<void>;
  /**
   * Where a browser may fetch `key` directly for `seconds`, when the store can sign such URLs
   * (object storage with `S3_SIGNED_URL_SEC`); null means the node streams it itself.
   */
  signedUrl(key: string): Promise<string | null>;
}

const TYPES: Record<string, string> = {
  '.webp': 'image/webp',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mov': 'video/quicktime',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.m4s': 'video/iso.segment',
  '.zip': 'application/zip',
  '.ts': 'video/mp2t',
};

/** The content type a stored file is served with, from its key's extension. */
export function contentTypeOf(key: string): string {
  return TYPES[path.extname(key).toLowerCase()] ?? 'application/octet-stream';
}

function inside(root: string, key: string): string {
  const p = path.resolve(root, key);
  if (!p.startsWith(path.resolve(root) + path.sep)) throw new Error(`storage key escapes: ${key}`);
  return p;
}

/** Moves a file, copying when the two paths are on different filesystems. */
async function move(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  try {
    await rename(from, to);
  } catch (e) {
    if (!(e instanceof Error && 'code' in e && e.code === 'EXDEV')) throw e;
    await copyFile(from, to);
    await rm(from, { force: true });
  }
}

/** One directory of stored files on this node's disk. */
class DiskArea implements ReadableFiles {
  constructor(readonly dir: string) {}

  protected path(key: string): string {
    return inside(this.dir, key);
  }

  async stat(key: string): Promise<StoredFile | null> {
    const s = await stat(this.path(key)).catch(() => null);
    if (!s?.isFile()) return null;
    // The validator @fastify/send gives: size and modification time, weak.
    return {
      size: s.size,
      etag: `W/"${s.size.toString(16)}-${s.mtime.getTime().toString(16)}"`,
      lastModified: s.mtime,
      contentType: contentTypeOf(key),
    };
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    return createReadStream(this.path(key), range ?? {});
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}

class DiskStorage extends DiskArea implements PublicFiles {
  async put(key: string, bytes: Buffer): Promise<void> {
    const p = this.path(key);
    await mkdir(path.dirname(p), { recursive: true });
    await writeFile(p, bytes);
  }

  url(key: string): string {
    return `/media/${key}`;
  }
}

class DiskPrivateFiles extends DiskArea implements PrivateFiles {
  /** Inside the area, so finished files are renamed into place rather than copied. */
  readonly scratchDir: string;

  constructor(dir: string) {
    super(dir);
    this.scratchDir = path.join(dir, 'tmp');
  }

  async putFile(key: string, localPath: string): Promise<void> {
    await move(localPath, this.path(key));
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    // Written beside, then renamed: a reader never sees half a file.
    await mkdir(this.scratchDir, { recursive: true });
    const part = path.join(this.scratchDir, `put-${newId()}-${path.basename(key)}`);
    await writeFile(part, bytes);
    await move(part, this.path(key));
  }

  async localCopy(key: string): Promise<{ path: string; release(): Promise<void> }> {
    const p = this.path(key);
    // Fails like a download of a missing object would.
    await stat(p);
    return { path: p, release: async () => undefined };
  }

  async removeAll(prefix: string): Promise<void> {
    await rm(this.path(prefix), { recursive: true, force: true });
  }

  async signedUrl(): Promise<string | null> {
    return null;
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

/** Where this node keeps files: the two areas, and the directory `/media/` may serve straight from disk. */
export interface Stores {
  storage: PublicFiles;
  privateFiles: PrivateFiles;
  /** Set for the disk store: `/media/` serves this directory as static files. */
  publicDir: string | null;
  /** Origins browsers fetch media from besides this one (a public bucket URL, presigned URLs). */
  mediaOrigins: string[];
  /**
   * Rejects, saying why, when the files cannot be reached within `timeoutMs` (object storage: one
   * listing of at most one key); `/readyz` asks at every load-balancer check. The disk is this
   * node's own, so it always answers.
   */
  check(timeoutMs: number): Promise<void>;
  /** Lets go of connections (object storage). */
  close(): void;
}

/** Disk under `STORAGE_DIR` for one node. */
export async function diskStores(storageDir: string): Promise<Stores> {
  await mkdir(storageDir, { recursive: true });
  const layout = await prepareStorage(storageDir);
  return {
    storage: new DiskStorage(layout.publicDir),
    privateFiles: new DiskPrivateFiles(layout.privateDir),
    publicDir: layout.publicDir,
    mediaOrigins: [],
    check: () => Promise.resolve(),
    close: () => undefined,
  };
}
