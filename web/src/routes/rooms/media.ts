import type { Room, SubscribeOffer, VideoLayer } from '@tremolo/protocol';

type IceServers = Room['media']['iceServers'];

export { mediaProblem, type MediaProblem } from '../../lib/media-problem.ts';

/** Signalling is non-trickle: the SDP we send must already carry our candidates. */
function gathered(pc: RTCPeerConnection, timeoutMs = 3000): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    // On a host with odd interfaces gathering can hang; what we have by then is usually enough.
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    }
    function check() {
      if (pc.iceGatheringState === 'complete') done();
    }
    pc.addEventListener('icegatheringstatechange', check);
  });
}

const rtcConfig = (iceServers: IceServers): RTCConfiguration => ({ iceServers: iceServers.map((s) => ({ ...s })) });

/**
 * My camera and microphone on one send-only connection. The video goes out twice (simulcast
 * rids `h` and `l`, the low one at half size) so the SFU can give small tiles the light one.
 */
export class Publisher {
  readonly pc: RTCPeerConnection;
  private closed = false;

  constructor(
    readonly stream: MediaStream,
    iceServers: IceServers,
    private readonly signal: (offerSdp: string) => Promise<string>,
    onState: (s: RTCPeerConnectionState) => void,
  ) {
    this.pc = new RTCPeerConnection(rtcConfig(iceServers));
    this.pc.onconnectionstatechange = () => onState(this.pc.connectionState);
  }

  static async open(): Promise<MediaStream> {
    if (!navigator.mediaDevices?.getUserMedia) throw new DOMException('getUserMedia unavailable', 'SecurityError');
    return navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24 }, facingMode: 'user' },
      audio: { echoCancellation: true, noiseSuppression: true },
    });
  }

  async start(): Promise<void> {
    const [video] = this.stream.getVideoTracks();
    const [audio] = this.stream.getAudioTracks();
    if (video) {
      this.pc.addTransceiver(video, {
        direction: 'sendonly',
        streams: [this.stream],
        sendEncodings: [
          { rid: 'h', maxBitrate: 900_000 },
          { rid: 'l', maxBitrate: 200_000, scaleResolutionDownBy: 2 },
        ],
      });
    }
    if (audio) this.pc.addTransceiver(audio, { direction: 'sendonly', streams: [this.stream] });
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await gathered(this.pc);
    const sdp = this.pc.localDescription?.sdp;
    if (!sdp || this.closed) return;
    const answerSdp = await this.signal(sdp);
    if (this.closed) return;
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
  }

  setEnabled(kind: 'audio' | 'video', on: boolean): void {
    for (const t of kind === 'audio' ? this.stream.getAudioTracks() : this.stream.getVideoTracks()) t.enabled = on;
  }

  close(): void {
    this.closed = true;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
    for (const t of this.stream.getTracks()) t.stop();
  }
}

export interface Feed {
  publisherId: string;
  stream: MediaStream;
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
}

/** The server's 409 `media_not_live`: nothing to receive now (see the protocol's rooms notes). */
function isNotLive(e: unknown): boolean {
  return e instanceof Error && 'code' in e && e.code === 'media_not_live';
}

export interface SubscriberSignals {
  subscribe(publisherIds: string[]): Promise<SubscribeOffer>;
  answer(answerSdp: string): Promise<void>;
  layer(publisherId: string, layer: VideoLayer): Promise<void>;
  /** Drops my receive connection on the SFU, so the next subscribe starts a fresh one. */
  leave(): Promise<void>;
}

/**
 * One receive connection for every stage feed. The SFU makes the offers: each change of the
 * stage is a new offer on the same connection, answered here. Changes are run one at a time
 * and only the latest wanted set matters, so a burst of stage events costs one renegotiation.
 */
export class Subscriber {
  private pc: RTCPeerConnection | null = null;
  private feeds = new Map<string, Feed>();
  private streams: SubscribeOffer['streams'] = [];
  private wanted: string[] | null = null;
  private current = '';
  private running = false;
  private closed = false;
  private layers = new Map<string, VideoLayer>();
  private retry: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly iceServers: IceServers,
    private readonly signals: SubscriberSignals,
    private readonly onFeeds: (feeds: Map<string, Feed>) => void,
    private readonly onError: (e: unknown) => void,
  ) {}

  get connection(): RTCPeerConnection | null {
    return this.pc;
  }

  /** Receive exactly these publishers (sorted, so equal sets compare equal). */
  want(publisherIds: string[]): void {
    this.wanted = [...publisherIds].sort();
    void this.run();
  }

  /**
   * The network changed under a failed connection: ICE will not recover by itself, so both
   * ends start over with a new connection carrying the same feeds.
   */
  private async restart(): Promise<void> {
    if (this.closed || !this.pc) return;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
    this.pc = null;
    this.feeds = new Map();
    this.onFeeds(this.feeds);
    await this.signals.leave().catch(() => undefined);
    this.current = '\u0000';
    await this.run();
  }

  private async run(): Promise<void> {
    if (this.running || this.closed) return;
    this.running = true;
    try {
      while (this.wanted && this.wanted.join() !== this.current && !this.closed) {
        const ids = this.wanted;
        if (ids.length === 0 && !this.pc) {
          this.current = '';
          break;
        }
        try {
          await this.negotiate(ids);
          this.current = ids.join();
        } catch (e) {
          if (isNotLive(e)) {
            // The server closed my receive connection: nobody I asked for is sending. That is
            // a state, not a failure; a later stage event (or the retry) starts a fresh one.
            this.dropConnection();
            if (ids.length === 0) {
              this.current = '';
              continue;
            }
          } else {
            this.onError(e);
          }
          // Usually the stage moved on while we asked: the next stage event or this retry fixes it.
          this.current = '\u0000';
          if (!this.retry) this.retry = setTimeout(() => ((this.retry = null), void this.run()), 2000);
          break;
        }
      }
    } finally {
      this.running = false;
    }
  }

  private dropConnection(): void {
    if (!this.pc) return;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
    this.pc = null;
    this.streams = [];
    this.feeds = new Map();
    this.onFeeds(this.feeds);
  }

  private async negotiate(ids: string[]): Promise<void> {
    const offer = await this.signals.subscribe(ids);
    if (this.closed) return;
    if (!this.pc) {
      this.pc = new RTCPeerConnection(rtcConfig(this.iceServers));
      this.pc.onconnectionstatechange = () => {
        if (this.pc?.connectionState === 'failed') void this.restart();
      };
    }
    const pc = this.pc;
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.offerSdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    const sdp = pc.localDescription?.sdp;
    if (!sdp || this.closed) return;
    await this.signals.answer(sdp);
    this.streams = offer.streams;
    this.rebuild();
    // The SFU starts each new feed at its default quality; ask again for what we chose.
    for (const [publisherId, layer] of this.layers) {
      if (ids.includes(publisherId)) void this.signals.layer(publisherId, layer).catch(() => undefined);
    }
  }

  private rebuild(): void {
    const pc = this.pc;
    if (!pc) return;
    const byMid = new Map(pc.getTransceivers().map((t) => [t.mid, t]));
    const next = new Map<string, Feed>();
    for (const s of this.streams) {
      const track = byMid.get(s.mid)?.receiver.track ?? null;
      if (!track) continue;
      const prev = next.get(s.publisherId) ?? { publisherId: s.publisherId, audio: null, video: null, stream: new MediaStream() };
      next.set(s.publisherId, { ...prev, [s.kind]: track });
    }
    // Keep the same MediaStream object while its tracks are the same, so <video> does not restart.
    for (const [id, f] of next) {
      const old = this.feeds.get(id);
      if (old && old.audio === f.audio && old.video === f.video) {
        next.set(id, old);
        continue;
      }
      f.stream = new MediaStream([f.video, f.audio].filter((t): t is MediaStreamTrack => t !== null));
    }
    this.feeds = next;
    this.onFeeds(next);
  }

  /** Which quality of a publisher's video I get; only changes are sent. */
  setLayer(publisherId: string, layer: VideoLayer): void {
    if (this.layers.get(publisherId) === layer) return;
    this.layers.set(publisherId, layer);
    if (this.feeds.has(publisherId)) void this.signals.layer(publisherId, layer).catch(() => undefined);
  }

  /** Per publisher: audio bytes and video frames received so far (for the person's and tests' checks). */
  async stats(): Promise<Record<string, { audioBytes: number; videoBytes: number; framesDecoded: number }>> {
    const out: Record<string, { audioBytes: number; videoBytes: number; framesDecoded: number }> = {};
    const pc = this.pc;
    if (!pc) return out;
    const byMid = new Map(this.streams.map((s) => [s.mid, s]));
    const report = await pc.getStats();
    report.forEach((r: { type?: string; mid?: string; bytesReceived?: number; framesDecoded?: number }) => {
      if (r.type !== 'inbound-rtp' || r.mid == null) return;
      const s = byMid.get(r.mid);
      if (!s) return;
      const o = (out[s.publisherId] ??= { audioBytes: 0, videoBytes: 0, framesDecoded: 0 });
      if (s.kind === 'audio') o.audioBytes += r.bytesReceived ?? 0;
      else {
        o.videoBytes += r.bytesReceived ?? 0;
        o.framesDecoded += r.framesDecoded ?? 0;
      }
    });
    return out;
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.pc) {
      this.pc.onconnectionstatechange = null;
      this.pc.close();
    }
    this.pc = null;
    this.feeds = new Map();
  }
}

/**
 * Who is speaking, from the audio we receive: an analyser per track, polled a few times a
 * second (cheap next to decoding video). A level above the threshold marks the tile.
 */
export class SpeakingMeter {
  private ctx: AudioContext | null = null;
  private nodes = new Map<string, { track: MediaStreamTrack; source: MediaStreamAudioSourceNode; analyser: AnalyserNode }>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private buf = new Uint8Array(256);

  constructor(private readonly onLevels: (levels: Map<string, number>) => void) {}

  /** Tracks to watch, by person; others are dropped. */
  set(tracks: Map<string, MediaStreamTrack>): void {
    if (typeof AudioContext === 'undefined') return;
    for (const [id, n] of this.nodes) {
      if (tracks.get(id) !== n.track) {
        n.source.disconnect();
        this.nodes.delete(id);
      }
    }
    if (tracks.size === 0) return;
    this.ctx ??= new AudioContext();
    for (const [id, track] of tracks) {
      if (this.nodes.has(id)) continue;
      const source = this.ctx.createMediaStreamSource(new MediaStream([track]));
      const analyser = this.ctx.createAnalyser();
      analyser.fftSize = 256;
      source.connect(analyser);
      this.nodes.set(id, { track, source, analyser });
    }
    this.timer ??= setInterval(() => this.poll(), 250);
  }

  /** Browsers start an AudioContext suspended until the person touches the page. */
  resume(): void {
    void this.ctx?.resume().catch(() => undefined);
  }

  private poll(): void {
    const levels = new Map<string, number>();
    for (const [id, n] of this.nodes) {
      if (n.track.muted || n.track.readyState === 'ended') {
        levels.set(id, 0);
        continue;
      }
      n.analyser.getByteTimeDomainData(this.buf);
      let sum = 0;
      for (const v of this.buf) sum += ((v - 128) / 128) ** 2;
      levels.set(id, Math.sqrt(sum / this.buf.length));
    }
    this.onLevels(levels);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const n of this.nodes.values()) n.source.disconnect();
    this.nodes.clear();
    void this.ctx?.close().catch(() => undefined);
    this.ctx = null;
  }
}

/** Tiles per row for 1–9 people: 1 full, 2 split, 3–4 as 2×2, 5–6 as 3×2, 7–9 as 3×3. */
export function stageLayout(n: number): { cols: number; rows: number } {
  if (n <= 1) return { cols: 1, rows: 1 };
  if (n === 2) return { cols: 2, rows: 1 };
  if (n <= 4) return { cols: 2, rows: 2 };
  if (n <= 6) return { cols: 3, rows: 2 };
  return { cols: 3, rows: 3 };
}
