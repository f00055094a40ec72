import { mkdtempSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findMediaTools, synthesize } from './media.ts';

/** Real video files for tests, made once per process with ffmpeg's test sources. */
const dir = mkdtempSync(path.join(os.tmpdir(), 'tremolo-fixtures-'));
const made = new Map<string, Promise<string>>();

export function sampleVideo(
  name: string,
  opts: { seconds?: number; width?: number; height?: number; source?: string; ext?: string } = {},
): Promise<string> {
  const key = JSON.stringify([name, opts]);
  let p = made.get(key);
  if (!p) {
    p = (async () => {
      const tools = findMediaTools();
      if (!tools) throw new Error('ffmpeg is needed for video tests');
      const file = path.join(dir, `${name}.${opts.ext ?? 'mp4'}`);
      await synthesize(tools, file, {
        source: opts.source ?? 'testsrc2',
        seconds: opts.seconds ?? 2,
        width: opts.width ?? 240,
        height: opts.height ?? 426,
        toneHz: 440,
      });
      return file;
    })();
    made.set(key, p);
  }
  return p;
}

/** The first half of a video file: what an interrupted upload leaves. */
export async function truncatedVideo(): Promise<string> {
  const full = await readFile(await sampleVideo('whole', { seconds: 3 }));
  const file = path.join(dir, 'truncated.mp4');
  await writeFile(file, full.subarray(0, Math.floor(full.length / 2)));
  return file;
}
