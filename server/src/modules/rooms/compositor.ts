import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { RTCPeerConnection, type RTCRtpTransceiver, type RtpPacket } from 'werift';
import type { MediaKind, SfuAdapter } from '../../platform/media/sfu.ts';
import { tileLayout } from './layout.ts';

/** One person on the stage as the broadcast shows them: their tile, their name, what they send. */
export interface StageFeed {
  userId: string;
  name: string;
  video: boolean;
  audio: boolean;
}

interface PictureOptions {
  width: number;
  height: number;
  fps: number;
  /** Target length of an HLS segment; every segment starts with a keyframe. */
  segmentSec: number;
  videoKbps: number;
}

interface CompositorRunOptions {
  sfu: SfuAdapter;
  roomId: string;
  /** Who the compositor is on the SFU: one subscriber, whatever the audience size. */
  subscriberId: string;
  /** ffmpeg's output directory (this node's scratch): the playlist and segments not yet stored. */
  dir: string;
  ffmpeg: string;
  picture: PictureOptions;
  log: FastifyBaseLogger;
}

/** Payload types in the SDP handed to ffmpeg; each forwarded packet is rewritten to them. */
const PT: Record<MediaKind, number> = { video: 96, audio: 111 };
/** Keyframe requests while ffmpeg is still opening its inputs (it reads them one after the other). */
const EARLY_PLI_MS = 1000;
const EARLY_PLI_FOR_MS = 15_000;
/** Afterwards, now and then: a decoder that lost a packet recovers at the next keyframe. */
const LATE_PLI_MS = 5000;
const PLAYLIST = 'index.m3u8';
/** A face with Chinese (names often are); fontconfig falls back to its default when it is missing. */
const FONT = 'Noto Sans CJK SC';

export const playlistFile = PLAYLIST;

/**
 * One run of the compositor for one set of stage feeds: ffmpeg reads each feed as RTP on loopback
 * (one SDP input per person), lays the grid out, writes names, mixes the sound and encodes
 * H.264/AAC into an HLS event playlist. The feeds come from the SFU over one receive connection
 * (a werift peer in this process, so it works against werift and Janus alike); each RTP packet is
 * passed on unchanged but for its payload type. A new stage is a new run that appends to the same
 * playlist after a discontinuity, so the recording is one playlist from start to end.
 */
export class CompositorRun {
  readonly exited: Promise<number | null>;
  private readonly pc: RTCPeerConnection;
  private readonly socket: Socket;
  private readonly child: ChildProcess;
  private pliTimer: NodeJS.Timeout | null = null;
  private stderrTail = '';
  private stopping = false;
  private exitedNow = false;

  private constructor(
    private readonly opts: CompositorRunOptions,
    private readonly ports: Map<string, number>,
    args: string[],
    readonly id: string,
  ) {
    this.socket = createSocket('udp4');
    this.pc = new RTCPeerConnection({
      iceServers: [],
      iceAdditionalHostAddresses: ['127.0.0.1'],
      iceUseIpv6: false,
      bundlePolicy: 'max-bundle',
    });
    this.child = spawn(opts.ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    // Writing `q` to an ffmpeg that already died fails; its exit is reported below.
    this.child.stdin?.on('error', () => undefined);
    this.child.stderr?.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-2000);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code) => resolve(code));
      this.child.once('error', (err) => {
        opts.log.warn({ err, roomId: opts.roomId }, 'broadcast: ffmpeg did not start');
        resolve(-1);
      });
    });
    void this.exited.then((code) => {
      this.exitedNow = true;
      if (!this.stopping) opts.log.warn({ roomId: opts.roomId, code, stderr: this.stderrTail }, 'broadcast: ffmpeg stopped by itself');
    });
  }

  /**
   * Starts ffmpeg for these feeds (1…9, each sending something), then subscribes to them on the SFU.
   * `startedAt` (ms) is the picture's zero and, in base 36, the run's id that names its segments: a
   * frame's timestamp in a segment (less the MPEG-TS muxer's 1.4 s) is when ffmpeg read it.
   */
  static async start(opts: CompositorRunOptions, feeds: StageFeed[], startedAt: number): Promise<CompositorRun> {
    const runId = startedAt.toString(36);
    await mkdir(opts.dir, { recursive: true });
    const ports = new Map<string, number>();
    for (const f of feeds) {
      if (f.video) ports.set(`${f.userId}:video`, await freePortPair());
      if (f.audio) ports.set(`${f.userId}:audio`, await freePortPair());
    }
    const inputs: string[] = [];
    for (const [i, f] of feeds.entries()) {
      await writeFile(path.join(opts.dir, `name-${i}.txt`), f.name);
      if (!f.video && !f.audio) continue;
      const sdp = feedSdp(ports.get(`${f.userId}:video`), ports.get(`${f.userId}:audio`));
      const file = path.join(opts.dir, `feed-${i}.sdp`);
      await writeFile(file, sdp);
      inputs.push(file);
    }
    // Every input is stamped with the wall clock as it is read; the run's start is the picture's zero.
    const args = ffmpegArgs(feeds, inputs, opts.dir, opts.picture, runId, startedAt / 1000);
    const run = new CompositorRun(opts, ports, args, runId);
    try {
      await run.connect(feeds.filter((f) => f.video || f.audio).map((f) => f.userId));
    } catch (err) {
      await run.stop();
      throw err;
    }
    return run;
  }

  /** ffmpeg finishes the segment it is writing and closes the playlist; the SFU subscription ends. */
  async stop(): Promise<void> {
    if (this.stopping) return this.exited.then(() => undefined);
    this.stopping = true;
    if (this.pliTimer) clearInterval(this.pliTimer);
    await this.opts.sfu.leave(this.opts.roomId, this.opts.subscriberId).catch(() => undefined);
    await this.pc.close().catch(() => undefined);
    // `q` on stdin is ffmpeg's clean stop (trailer, last segment, playlist); a kill if it hangs.
    this.child.stdin?.end('q');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(killer);
    this.socket.close();
  }

  /** ffmpeg is gone (stopped, or died by itself). */
  get done(): boolean {
    return this.exitedNow;
  }

  get stderr(): string {
    return this.stderrTail;
  }

  private async connect(publisherIds: string[]): Promise<void> {
    const { sfu, roomId, subscriberId } = this.opts;
    const offer = await sfu.subscribe(roomId, subscriberId, publisherIds);
    const byMid = new Map(offer.streams.map((s) => [s.mid, s]));
    const receivers: { t: RTCRtpTransceiver; ssrc: number | null; kind: MediaKind }[] = [];
    this.pc.onTransceiverAdded.subscribe((t) => {
      const entry = { t, ssrc: null as number | null, kind: t.kind === 'audio' ? ('audio' as const) : ('video' as const) };
      receivers.push(entry);
      t.onTrack.subscribe((track) => {
        track.onReceiveRtp.subscribe((rtp) => {
          entry.ssrc = rtp.header.ssrc;
          const s = t.mid == null ? undefined : byMid.get(t.mid);
          if (s) this.forward(s.publisherId, s.kind, rtp);
        });
      });
    });
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offer.offerSdp });
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    await gathered(this.pc);
    const sdp = this.pc.localDescription?.sdp;
    if (!sdp) throw new Error('broadcast: no local description');
    await sfu.answerSubscription(roomId, subscriberId, sdp);
    const started = Date.now();
    let lastLate = Date.now();
    const pli = () => {
      const now = Date.now();
      if (now - started > EARLY_PLI_FOR_MS) {
        if (now - lastLate < LATE_PLI_MS) return;
        lastLate = now;
      }
      for (const r of receivers) if (r.kind === 'video' && r.ssrc != null) void r.t.receiver.sendRtcpPLI(r.ssrc).catch(() => undefined);
    };
    this.pliTimer = setInterval(pli, EARLY_PLI_MS);
  }

  private forward(publisherId: string, kind: MediaKind, rtp: RtpPacket): void {
    const port = this.ports.get(`${publisherId}:${kind}`);
    if (port === undefined || this.stopping) return;
    rtp.header.payloadType = PT[kind];
    // Header extensions the browser negotiated with the SFU mean nothing to ffmpeg.
    this.socket.send(rtp.serialize(), port, '127.0.0.1', () => undefined);
  }
}

function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(resolve, 5000);
    pc.iceGatheringStateChange.subscribe((s) => {
      if (s === 'complete') {
        clearTimeout(t);
        resolve();
      }
    });
  });
}

/** An even UDP port whose odd neighbour (RTCP, as ffmpeg expects) is free too, on loopback. */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + 2 * Math.floor(Math.random() * 20000);
    if ((await canBind(port)) && (await canBind(port + 1))) return port;
  }
  throw new Error('broadcast: no free UDP port pair on loopback');
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** One person's feed as ffmpeg's RTP input: VP8 video and Opus audio, each on its own port. */
function feedSdp(videoPort: number | undefined, audioPort: number | undefined): string {
  const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=tremolo stage feed', 'c=IN IP4 127.0.0.1', 't=0 0'];
  if (videoPort !== undefined) lines.push(`m=video ${videoPort} RTP/AVP ${PT.video}`, `a=rtpmap:${PT.video} VP8/90000`, 'a=recvonly');
  if (audioPort !== undefined)
    lines.push(
      `m=audio ${audioPort} RTP/AVP ${PT.audio}`,
      `a=rtpmap:${PT.audio} opus/48000/2`,
      'a=fmtp:111 minptime=10;useinbandfec=1',
      'a=recvonly',
    );
  return `${lines.join('\r\n')}\r\n`;
}

/** Escapes a path for a filtergraph option value (`:` and `\` and `'` are special there). */
function filterPath(p: string): string {
  return p.replace(/\\/g, '\\\\').replace(/:/g, '\\:').replace(/'/g, "\\'");
}

/** How far behind the wall clock a frame may be when the filters get to it; older frames are restamped. */
const MAX_BEHIND_SEC = 0.5;

/**
 * A feed's timestamps on the run's time line: when ffmpeg read each packet, less the run's start.
 * A frame the filters reach later than `MAX_BEHIND_SEC` after that (ffmpeg short of CPU for a
 * moment, or the packets that waited while the other inputs were probed) is stamped as of that
 * bound instead: such frames bunch up, `fps` keeps one per output frame and `aresample` drops the
 * sound between, so the backlog is shed at the cost of a few frames, where it used to stay in the
 * input queues as latency for the rest of the run (it only drained as fast as ffmpeg had CPU to
 * spare).
 */
function stamp(filter: 'setpts' | 'asetpts', zeroSec: number): string {
  const zero = zeroSec.toFixed(3);
  return `${filter}='max(PTS-${zero}/TB\,(RTCTIME/1000000-${zero}-${MAX_BEHIND_SEC})/TB)'`;
}

/**
 * ffmpeg's command line: the grid over a dark background (a person without video gets a dark
 * tile with their name), names in the lower left of each tile, every voice mixed, a keyframe at
 * each segment start, and an HLS event playlist that a later run appends to.
 */
function ffmpegArgs(feeds: StageFeed[], inputs: string[], dir: string, pic: PictureOptions, runId: string, zeroSec: number): string[] {
  // `-copyts` keeps each input's wall-clock stamps as they are (ffmpeg would otherwise start each
  // input at its own first packet): the inputs are opened one after the other, each probing for up
  // to `-analyzeduration`, so per-input zeros put the first guest seconds behind the last one, and
  // the grid, which waits for every tile, showed everyone that far behind for the whole run.
  const args = ['-hide_banner', '-loglevel', 'warning', '-nostats', '-copyts'];
  for (const input of inputs)
    args.push(
      '-protocol_whitelist',
      'file,udp,rtp',
      '-use_wallclock_as_timestamps',
      '1',
      '-analyzeduration',
      '2000000',
      '-probesize',
      '2000000',
      '-reorder_queue_size',
      '64',
      // With several inputs each is read on its own thread into a queue of 8 packets by default;
      // a full queue blocks the reader, packets wait in the socket and are stamped (wall clock)
      // late, so the picture fell seconds behind with every guest. A deep queue keeps reads live.
      '-thread_queue_size',
      '4096',
      '-i',
      input,
    );
  const tiles = tileLayout(feeds.length, pic.width, pic.height);
  const filters: string[] = [`color=c=0x111111:s=${pic.width}x${pic.height}:r=${pic.fps}[base]`];
  const voices: string[] = [];
  let input = 0;
  let prev = 'base';
  const fontSize = Math.max(14, Math.round(pic.height / 40));
  for (const [i, f] of feeds.entries()) {
    const tile = tiles[i];
    if (!tile) break;
    const src = f.video || f.audio ? input++ : -1;
    const label = `t${i}`;
    const picture = f.video
      ? `[${src}:v]${stamp('setpts', zeroSec)},fps=${pic.fps},scale=${tile.w}:${tile.h}:force_original_aspect_ratio=increase,crop=${tile.w}:${tile.h},setsar=1`
      : `color=c=0x2a2a2a:s=${tile.w}x${tile.h}:r=${pic.fps}`;
    const name = `drawtext=textfile='${filterPath(path.join(dir, `name-${i}.txt`))}':font='${FONT}':fontsize=${fontSize}:fontcolor=white:box=1:boxcolor=black@0.45:boxborderw=6:x=12:y=h-th-14`;
    filters.push(`${picture},${name}[${label}]`);
    const next = i === feeds.length - 1 || i === tiles.length - 1 ? 'grid' : `o${i}`;
    filters.push(`[${prev}][${label}]overlay=x=${tile.x}:y=${tile.y}:eof_action=repeat:repeatlast=1[${next}]`);
    prev = next;
    if (f.audio) {
      // The picture starts at the run's zero and a voice only once its input is open (seconds later
      // for the last one): silence in front keeps sound and picture starting together, which players
      // need (a segment with picture but no sound stalls them).
      filters.push(`[${src}:a]${stamp('asetpts', zeroSec)},aresample=48000:async=1000:first_pts=0[a${i}]`);
      voices.push(`[a${i}]`);
    }
  }
  // A generated source runs as fast as it can: with a live picture in the grid the overlay waits for
  // it, which paces the grid. `realtime` would also pace it, but from the first frame it sees, so
  // the seconds of probing before that frame stayed in the broadcast for good (frames queued
  // upstream, never caught up); it is only for a stage without any camera.
  filters.push(feeds.some((f) => f.video) ? '[grid]null[vout]' : '[grid]realtime[vout]');
  if (voices.length === 0) filters.push('anullsrc=r=48000:cl=stereo,arealtime[aout]');
  else if (voices.length === 1) filters.push(`${voices[0]}anull[aout]`);
  else filters.push(`${voices.join('')}amix=inputs=${voices.length}:duration=longest:dropout_transition=0:normalize=0[aout]`);

  const gop = Math.max(1, Math.round(pic.fps * pic.segmentSec));
  args.push(
    '-filter_complex',
    filters.join(';'),
    '-map',
    '[vout]',
    '-map',
    '[aout]',
    '-c:v',
    'libx264',
    // ultrafast costs about 40 % less CPU than veryfast here: a compositor short of CPU falls behind
    // real time and its backlog (deep input queues) becomes latency that never goes away.
    '-preset',
    'ultrafast',
    '-tune',
    'zerolatency',
    '-pix_fmt',
    'yuv420p',
    '-r',
    String(pic.fps),
    '-g',
    String(gop),
    '-keyint_min',
    String(gop),
    '-sc_threshold',
    '0',
    '-force_key_frames',
    `expr:gte(t,n_forced*${pic.segmentSec})`,
    '-b:v',
    `${pic.videoKbps}k`,
    '-maxrate',
    `${Math.round(pic.videoKbps * 1.2)}k`,
    '-bufsize',
    `${pic.videoKbps}k`,
    '-c:a',
    'aac',
    '-b:a',
    '96k',
    '-ar',
    '48000',
    '-ac',
    '2',
    '-f',
    'hls',
    '-hls_time',
    String(pic.segmentSec),
    '-hls_list_size',
    '0',
    '-hls_playlist_type',
    'event',
    '-hls_flags',
    'append_list+discont_start+program_date_time+independent_segments+temp_file',
    '-hls_segment_filename',
    path.join(dir, `${runId}-%05d.ts`),
    path.join(dir, PLAYLIST),
  );
  return args;
}
