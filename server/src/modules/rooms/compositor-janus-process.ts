/**
 * One compositor run against Janus, in a process of its own, for `compositor-janus.int.test.ts`.
 *
 * Why a process: the test's Janus lives in a private network namespace (see
 * platform/media/janus/testing.ts), and the compositor's werift peer must gather its ICE
 * candidates inside that namespace to reach Janus, so the test starts this file under `nsenter`.
 * It composes the publishers named in `PUBLISHERS` into HLS under `OUT_DIR` until its stdin
 * closes, then stops the run cleanly and prints one JSON line with ffmpeg's last words.
 */
import pino from 'pino';
import { JanusSfu } from '../../platform/media/janus/index.ts';
import { findMediaTools } from '../videos/media.ts';
import { CompositorRun, type StageFeed } from './compositor.ts';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const ffmpeg = findMediaTools()?.ffmpeg;
if (!ffmpeg) throw new Error('ffmpeg is not installed');
const roomId = required('ROOM_ID');
const feeds: StageFeed[] = required('PUBLISHERS')
  .split(',')
  .map((userId) => ({ userId, name: userId, video: true, audio: true }));

const sfu = new JanusSfu({ url: required('JANUS_URL'), log: () => undefined });
await sfu.start();
const run = await CompositorRun.start(
  {
    sfu,
    roomId,
    subscriberId: `compositor:${roomId}`,
    dir: required('OUT_DIR'),
    ffmpeg,
    picture: { width: 320, height: 568, fps: 15, segmentSec: 1, videoKbps: 400 },
    log: pino({ level: 'silent' }),
  },
  feeds,
  Date.now(),
);
process.stdout.write('composing\n');

await new Promise<void>((resolve) => {
  process.stdin.resume();
  process.stdin.once('end', resolve);
  process.stdin.once('close', resolve);
});
const stoppedByItself = run.done;
await run.stop();
await sfu.close();
process.stdout.write(`${JSON.stringify({ stoppedByItself, stderr: run.stderr })}\n`);
process.exit(0);
