import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';

/** What a module adds to a person's data archive. */
export interface ArchiveWriter {
  /** A JSON document (pretty-printed, so a person can read it). */
  json(name: string, data: unknown): Promise<void>;
  /** A stored file, copied as is (media is already compressed). */
  file(name: string, open: () => Promise<Readable>): Promise<void>;
}

/**
 * A zip written to a local file as it is built (fflate's streaming writer), so a person with
 * gigabytes of videos never needs them in memory: each chunk waits for the disk when it lags.
 */
export class ZipFile implements ArchiveWriter {
  private readonly out: WriteStream;
  private readonly zip: Zip;
  private failure: Error | null = null;
  private readonly names = new Set<string>();
  private readonly done: Promise<void>;

  constructor(readonly path: string) {
    this.out = createWriteStream(path);
    this.out.on('error', (e) => (this.failure ??= e));
    let finish!: () => void;
    this.done = new Promise((resolve) => (finish = resolve));
    this.zip = new Zip((err, chunk, final) => {
      if (err) this.failure ??= err;
      else this.out.write(chunk);
      if (final || err) finish();
    });
  }

  async json(name: string, data: unknown): Promise<void> {
    const entry = new ZipDeflate(this.unique(name), { level: 6 });
    this.zip.add(entry);
    entry.push(Buffer.from(JSON.stringify(data, null, 2) + '\n'), true);
    await this.drained();
  }

  async file(name: string, open: () => Promise<Readable>): Promise<void> {
    const entry = new ZipPassThrough(this.unique(name));
    this.zip.add(entry);
    const source = await open();
    for await (const chunk of source) {
      entry.push(chunk instanceof Uint8Array ? chunk : Buffer.from(String(chunk)));
      await this.drained();
    }
    entry.push(new Uint8Array(0), true);
    await this.drained();
  }

  /** Ends the archive and closes the file; returns its size in bytes. */
  async close(): Promise<number> {
    this.zip.end();
    await this.done;
    this.out.end();
    await once(this.out, 'close');
    if (this.failure) throw this.failure;
    return this.out.bytesWritten;
  }

  /** Stops writing (the job failed); the caller removes the file. */
  abort(): void {
    this.zip.terminate();
    this.out.destroy();
  }

  private unique(name: string): string {
    let n = name;
    for (let i = 2; this.names.has(n); i++) n = name.replace(/(\.[^./]*)?$/, (ext) => `-${i}${ext}`);
    this.names.add(n);
    return n;
  }

  private async drained(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.out.writableNeedDrain) await once(this.out, 'drain');
  }
}
