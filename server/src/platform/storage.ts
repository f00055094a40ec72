import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where uploaded files live. Local disk by default; the interface is what an S3 store implements. */
export interface Storage {
  put(key: string, bytes: Buffer): Promise<void>;
  remove(key: string): Promise<void>;
  url(key: string): string;
  readonly dir: string;
}

export class DiskStorage implements Storage {
  constructor(readonly dir: string) {}

  private file(key: string): string {
    const p = path.resolve(this.dir, key);
    if (!p.startsWith(path.resolve(this.dir) + path.sep)) throw new Error(`storage key escapes: ${key}`);
    return p;
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const p = this.file(key);
    await mkdir(path.dirname(p), { recursive: true });
    await writeFile(p, bytes);
  }

  async remove(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
  }

  url(key: string): string {
    return `/media/${key}`;
  }
}
