import { spawn, spawnSync } from 'node:child_process';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';

/**
 * ffmpeg and ffprobe: the system's when installed (Debian's package), otherwise the static
 * builds shipped inside npm packages. Nothing is downloaded at run time.
 */
export interface MediaTools {
  ffmpeg: string;
  ffprobe: string;
}

let cached: MediaTools | null | undefined;

export function findMediaTools(): MediaTools | null {
  if (cached !== undefined) return cached;
  const works = (bin: string) => spawnSync(bin, ['-version'], { stdio: 'ignore' }).status === 0;
  if (works('ffmpeg') && works('ffprobe')) return (cached = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' });
  try {
    const require = createRequire(import.meta.url);
    const ffmpeg = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    const ffprobe = (require('@ffprobe-installer/ffprobe') as { path: string }).path;
    if (works(ffmpeg) && works(ffprobe)) return (cached = { ffmpeg, ffprobe });
  } catch {
    // optional packages not installed
  }
  return (cached = null);
}

export type Container = 'mp4' | 'webm';

/** Recognises a video container by its first bytes, whatever the file is called. */
export async function sniffContainer(file: string): Promise<Container | null> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(16);
    const { bytesRead } = await fh.read(buf, 0, 16, 0);
    if (bytesRead < 12) return null;
    if (buf.readUInt32BE(0) === 0x1a45dfa3) return 'webm';
    const box = buf.toString('latin1', 4, 8);
    // ISO BMFF (MP4) and QuickTime (MOV) both start with a box; ftyp first in all but very old MOVs.
    if (['ftyp', 'moov', 'mdat', 'wide', 'free'].includes(box)) return 'mp4';
    return null;
  } finally {
    await fh.close();
  }
}

export interface Probe {
  durationMs: number;
  width: number;
  height: number;
  hasAudio: boolean;
}

/** Runs a tool to its end; it is killed after `timeoutMs`, or when `signal` aborts (then this rejects). */
function run(
  bin: string,
  args: string[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal, killSignal: 'SIGKILL' as const } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Reads duration and dimensions; null when the file has no decodable video stream. */
export async function probe(tools: MediaTools, file: string, signal?: AbortSignal): Promise<Probe | null> {
  const r = await run(tools.ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], 30_000, signal);
  if (r.code !== 0) return null;
  const info = JSON.parse(r.stdout) as {
    format?: { duration?: string };
    streams?: {
      codec_type?: string;
      width?: number;
      height?: number;
      duration?: string;
      tags?: { rotate?: string };
      side_data_list?: { rotation?: number }[];
    }[];
  };
  const video = info.streams?.find((s) => s.codec_type === 'video' && (s.width ?? 0) > 0);
  const duration = Number(info.format?.duration ?? video?.duration ?? NaN);
  if (!video || !Number.isFinite(duration) || duration <= 0) return null;
  const rotation = Math.abs(Number(video.tags?.rotate ?? video.side_data_list?.[0]?.rotation ?? 0));
  const swap = rotation === 90 || rotation === 270;
  return {
    durationMs: Math.round(duration * 1000),
    width: swap ? video.height! : video.width!,
    height: swap ? video.width! : video.height!,
    hasAudio: !!info.streams?.some((s) => s.codec_type === 'audio'),
  };
}

/**
 * Re-encodes to a web-safe H.264/AAC MP4 with the index at the front (fast start), at most
 * 720 px on the short side. A silent track is added when the source has none, so players
 * and the tap-to-unmute control behave the same for every video.
 */
export async function transcode(tools: MediaTools, src: string, dst: string, info: Probe, signal?: AbortSignal): Promise<void> {
  const portrait = info.height >= info.width;
  const scale = portrait ? "scale='min(720,iw)':-2" : "scale=-2:'min(720,ih)'";
  const args = ['-y', '-v', 'error', '-i', src];
  if (!info.hasAudio) args.push('-f', 'lavfi', '-i', 'anullsrc=channel_layout=stereo:sample_rate=44100');
  args.push(
    '-map',
    '0:v:0',
    '-map',
    info.hasAudio ? '0:a:0' : '1:a:0',
    '-vf',
    scale,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '26',
    '-pix_fmt',
    'yuv420p',
  );
  args.push('-c:a', 'aac', '-b:a', '96k', '-ac', '2', '-shortest', '-movflags', '+faststart', '-f', 'mp4', dst);
  const r = await run(tools.ffmpeg, args, 15 * 60_000, signal);
  if (r.code !== 0) throw new Error(lastLine(r.stderr) || 'transcode failed');
}

export async function poster(tools: MediaTools, video: string, dst: string, atMs: number, signal?: AbortSignal): Promise<void> {
  const r = await run(
    tools.ffmpeg,
    ['-y', '-v', 'error', '-ss', (atMs / 1000).toFixed(3), '-i', video, '-frames:v', '1', '-q:v', '4', '-f', 'image2', dst],
    60_000,
    signal,
  );
  if (r.code !== 0) throw new Error(lastLine(r.stderr) || 'poster failed');
}

/** Generates a short test-pattern video (demo content and tests). */
export async function synthesize(
  tools: MediaTools,
  dst: string,
  opts: { source: string; seconds: number; width: number; height: number; toneHz: number },
): Promise<void> {
  const r = await run(
    tools.ffmpeg,
    [
      '-y',
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      `${opts.source}=size=${opts.width}x${opts.height}:rate=25`,
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=${opts.toneHz}:sample_rate=44100`,
      '-t',
      String(opts.seconds),
      ...(dst.endsWith('.webm')
        ? ['-c:v', 'libvpx', '-b:v', '300k', '-deadline', 'realtime', '-c:a', 'libopus']
        : ['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac']),
      '-shortest',
      dst,
    ],
    120_000,
  );
  if (r.code !== 0) throw new Error(lastLine(r.stderr) || 'synthesize failed');
}

function lastLine(s: string): string {
  return s.trim().split('\n').pop()?.slice(0, 300) ?? '';
}
