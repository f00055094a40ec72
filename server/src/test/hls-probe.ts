import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** ffprobe's answer (errors only on stderr) for `args`. */
export async function ffprobe(args: string[]): Promise<string> {
  return (await run('ffprobe', ['-v', 'error', ...args], { encoding: 'utf8' })).stdout;
}

/** One HLS segment as a player gets it: H.264 at `width`×`height` with AAC, starting on a keyframe. */
export async function assertPlayableSegment(file: string, width: number, height: number): Promise<void> {
  const streams = await ffprobe(['-show_entries', 'stream=codec_type,codec_name,width,height', '-of', 'csv=p=0', file]);
  assert.match(streams, new RegExp(`h264,video,${width},${height}`), `${file}: H.264 at the configured size`);
  assert.match(streams, /aac,audio/, `${file}: AAC audio`);
  const first = await ffprobe(['-select_streams', 'v', '-show_entries', 'packet=flags', '-read_intervals', '%+#1', '-of', 'csv=p=0', file]);
  assert.match(first.trim().split('\n')[0] ?? '', /K/, `${file}: starts with a keyframe`);
}
