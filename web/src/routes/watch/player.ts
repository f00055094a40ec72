import * as api from '@tremolo/protocol/api';
import { positionAt, type PlaybackState, type WatchAction, type WatchStateEvent } from '@tremolo/protocol';
import { urlOf } from '../../lib/client.ts';
import type { RealtimeClient } from '../../lib/realtime.ts';
import { ClockEstimator, DriftController, leadFor } from '../../lib/watch-sync.ts';

/**
 * Binds one <video> to a party's playback state.
 *
 * `sync` (the default): clock offset from ping/pong, changes applied at their scheduled
 * server time, drift corrected by rate nudges and rare seeks (lib/watch-sync.ts).
 * `naive`: what the peers do (WatchParty, Teleparty): apply each command when it arrives,
 * at the position it names, and never look again. Kept for the benchmark's baseline.
 */
export type SyncMode = 'sync' | 'naive';

export interface PlayerSample {
  /** Local wall clock (ms since the epoch, sub-ms). */
  wallMs: number;
  serverMs: number;
  currentTimeMs: number;
  paused: boolean;
  rate: number;
  version: number;
}

export interface PlayerEvents {
  /** A control (or a buffering report) for the party channel. */
  publishControl(action: WatchAction, extra: { positionMs?: number; rate?: number; videoId?: string; leadMs: number }): void;
  reportBuffering(buffering: boolean): void;
  /** The host plays the next video when one ends. */
  ended(): void;
  status(s: PlayerStatus): void;
}

export interface PlayerStatus {
  buffering: boolean;
  /** |player − party| in ms, while playing. */
  errorMs: number | null;
  rttMs: number;
  offsetMs: number;
  needsGesture: boolean;
}

const localNow = () => performance.timeOrigin + performance.now();
const TICK_MS = 100;

export class SyncedPlayer {
  /** The last 16 probes (16 s once settled): the least round trip among them is trusted. */
  readonly clock = new ClockEstimator(16);
  private readonly drift = new DriftController();
  private state: PlaybackState | null = null;
  private scheduled: ReturnType<typeof setTimeout> | null = null;
  /** No corrections before this server time: a scheduled change is pending. */
  private holdUntil = 0;
  private tickTimer: ReturnType<typeof setInterval> | null = null;
  private pingTimer: ReturnType<typeof setTimeout> | null = null;
  private pings = new Set<number>();
  private pingCount = 0;
  private offPong: (() => void) | null = null;
  private bufferingTimer: ReturnType<typeof setTimeout> | null = null;
  private buffering = false;
  private seekedAt = 0;
  private lastStatus = '';
  private needsGesture = false;
  private loadedVideo: string | null = null;
  private endedFor = -1;
  /**
   * From play() to the media clock running (ms): measured ~100 ms for H.264 in Chromium.
   * A scheduled start calls play() this much before T; each start refines it.
   */
  startLatencyMs = 100;
  /** A scheduled start is being checked: no corrections until this server time, then learn. */
  private startCheckAt: number | null = null;
  /** Others' round trips from presence, by user id (ms, and when heard). */
  private readonly peerRtts = new Map<string, { rtt: number; at: number }>();
  private readonly detach: (() => void)[] = [];

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly realtime: RealtimeClient,
    private readonly events: PlayerEvents,
    readonly mode: SyncMode = 'sync',
    private readonly myId: string = '',
    private readonly streamUrl: (videoId: string) => string = (id) => urlOf(api.videos.stream, { params: { id } }),
  ) {}

  start(): void {
    this.offPong = this.realtime.onPong((ts, serverTime) => {
      if (!this.pings.delete(ts)) return; // the heartbeat's, or a probe answered twice
      this.clock.add({ sentAt: ts, serverTime, receivedAt: localNow() });
    });
    this.probe();
    this.tickTimer = setInterval(() => this.tick(), TICK_MS);
    const on = <K extends keyof HTMLVideoElementEventMap>(name: K, fn: () => void) => {
      this.video.addEventListener(name, fn);
      this.detach.push(() => this.video.removeEventListener(name, fn));
    };
    on('waiting', () => this.onWaiting());
    on('playing', () => this.onFlowing());
    on('canplaythrough', () => this.onFlowing());
    on('seeked', () => {
      this.seekedAt = localNow();
      this.onFlowing();
    });
  }

  stop(): void {
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.pingTimer) clearTimeout(this.pingTimer);
    if (this.scheduled) clearTimeout(this.scheduled);
    if (this.bufferingTimer) clearTimeout(this.bufferingTimer);
    this.offPong?.();
    for (const d of this.detach) d();
    this.detach.length = 0;
  }

  /** Pings fast at first (a good offset within two seconds), then every second to follow drift. */
  private probe(): void {
    const ts = localNow();
    if (this.realtime.ping(ts)) {
      this.pings.add(ts);
      this.pingCount++;
      // Forget probes that never came back.
      if (this.pings.size > 16) this.pings.delete(this.pings.values().next().value!);
    }
    this.pingTimer = setTimeout(() => this.probe(), this.pingCount < 10 ? 150 : 1000);
  }

  serverNow(): number {
    return this.clock.serverNow(localNow());
  }

  /** The lead for a control sent now: twice the slowest round trip in the party. */
  lead(): number {
    if (this.mode === 'naive') return 0;
    const fresh = [...this.peerRtts.values()].filter((p) => localNow() - p.at < 30_000).map((p) => p.rtt);
    return leadFor([this.clock.rttMs, ...fresh]);
  }

  peerRtt(userId: string, rttMs: number | undefined, left: boolean): void {
    if (left || rttMs === undefined) this.peerRtts.delete(userId);
    else this.peerRtts.set(userId, { rtt: rttMs, at: localNow() });
  }

  get current(): PlaybackState | null {
    return this.state;
  }

  /** Where the party is now (ms), for the seek bar. */
  partyPositionMs(): number {
    return this.state ? positionAt(this.state, this.serverNow(), this.durationMs()) : 0;
  }

  private durationMs(): number | null {
    const d = this.video.duration;
    return Number.isFinite(d) && d > 0 ? d * 1000 : null;
  }

  /** A state from HTTP (join, reconnect) or the channel; older versions are ignored. */
  apply(state: PlaybackState, ev?: Pick<WatchStateEvent, 'action' | 'by'>): void {
    if (this.state && state.version <= this.state.version) return;
    const previous = this.state;
    this.state = state;
    if (this.loadedVideo !== state.videoId) {
      this.loadedVideo = state.videoId;
      this.video.src = this.streamUrl(state.videoId);
      this.video.load();
      this.drift.reset();
    }
    if (this.mode === 'naive') return this.applyNaive(state, previous, ev);
    if (this.scheduled) clearTimeout(this.scheduled);
    this.scheduled = null;
    this.startCheckAt = null;
    const delay = state.atServerMs - this.serverNow();
    this.video.playbackRate = state.rate;
    if (delay <= 0) {
      // Already due (a late joiner, a slow link): the tick puts us where the party is now.
      this.holdUntil = 0;
      this.drift.reset(true);
      return this.tick();
    }
    this.holdUntil = state.atServerMs;
    const here = this.video.currentTime * 1000 + (this.video.paused ? 0 : delay * this.video.playbackRate);
    if (Math.abs(here - state.positionMs) > 40) {
      // A jump: go there now and wait, so the frames are decoded when everyone starts.
      this.video.pause();
      this.seekTo(state.positionMs);
    }
    // A pause keeps playing until T, then stops exactly at the party's position.
    // A start is called early by the player's start latency, so the picture moves at T.
    const early = state.playing ? Math.min(this.startLatencyMs, delay) : 0;
    this.scheduled = setTimeout(() => {
      this.scheduled = null;
      this.holdUntil = 0;
      this.drift.reset(true);
      if (state.playing) {
        this.startCheckAt = state.atServerMs + 300;
        this.play();
      } else {
        this.video.pause();
        this.seekTo(state.positionMs);
      }
    }, delay - early);
  }

  private applyNaive(state: PlaybackState, previous: PlaybackState | null, ev?: Pick<WatchStateEvent, 'action' | 'by'>): void {
    // The sender already did it locally when they clicked.
    if (ev && ev.by === this.myId && previous) return;
    this.video.playbackRate = state.rate;
    const jump = !previous || !ev || ev.action !== 'rate';
    if (jump) this.video.currentTime = (previous ? state.positionMs : positionAt(state, Date.now())) / 1000;
    if (state.playing) this.play();
    else this.video.pause();
  }

  /** Sends a control; in naive mode the sender also applies it at once, as the peers do. */
  control(action: WatchAction, extra: { positionMs?: number; rate?: number; videoId?: string } = {}): void {
    if (this.mode === 'naive') {
      const here = this.video.currentTime * 1000;
      const positionMs = extra.positionMs ?? (action === 'play' || action === 'pause' ? here : undefined);
      if (action === 'pause') this.video.pause();
      if (action === 'play') this.play();
      if (action === 'seek' && positionMs !== undefined) this.video.currentTime = positionMs / 1000;
      if (action === 'rate' && extra.rate) this.video.playbackRate = extra.rate;
      this.events.publishControl(action, { ...extra, ...(positionMs !== undefined ? { positionMs } : {}), leadMs: 0 });
      return;
    }
    this.events.publishControl(action, { ...extra, leadMs: this.lead() });
  }

  /** "Resync": forget what was learned about this player and jump to where the party is. */
  resync(): void {
    if (!this.state) return;
    this.drift.reset();
    this.holdUntil = 0;
    this.startCheckAt = null;
    if (this.state.playing) this.seekTo(this.partyPositionMs() + this.drift.seekLatencyMs * this.state.rate);
    else this.seekTo(this.state.positionMs);
    this.play();
    if (!this.state.playing) this.video.pause();
  }

  private seekTo(ms: number): void {
    const d = this.durationMs();
    const to = Math.max(0, d ? Math.min(ms, d - 1) : ms);
    this.video.currentTime = to / 1000;
  }

  private play(): void {
    const p = this.video.play();
    this.needsGesture = false;
    p.catch((e: unknown) => {
      // Autoplay with sound needs a tap: play muted now, and offer sound.
      if (e instanceof DOMException && e.name === 'NotAllowedError' && !this.video.muted) {
        this.video.muted = true;
        this.needsGesture = true;
        void this.video.play().catch(() => undefined);
      }
    });
  }

  private tick(): void {
    const s = this.state;
    if (!s || this.mode === 'naive') return this.report(null);
    const now = this.serverNow();
    if (now < this.holdUntil) return this.report(null);
    const duration = this.durationMs();
    const target = positionAt(s, now, duration);
    const cur = this.video.currentTime * 1000;
    if (!s.playing) {
      if (!this.video.paused) this.video.pause();
      if (Math.abs(cur - s.positionMs) > 15 && !this.video.seeking) this.seekTo(s.positionMs);
      return this.report(null);
    }
    if (duration && target >= duration - 1) {
      if (this.endedFor !== s.version) {
        this.endedFor = s.version;
        this.events.ended();
      }
      if (!this.video.paused) this.video.pause();
      return this.report(null);
    }
    if (this.video.readyState < 2 || this.video.seeking) return this.report(null);
    if (this.video.paused) {
      if (Math.abs(cur - target) > 40) this.seekTo(target + this.drift.seekLatencyMs * s.rate);
      this.play();
      return this.report(null);
    }
    const err = cur - target;
    if (this.startCheckAt !== null) {
      if (now < this.startCheckAt) return this.report(err);
      this.startCheckAt = null;
      // Started late (behind): start earlier next time. Half the error: noise does not swing it.
      if (Math.abs(err) < 300) this.startLatencyMs = Math.max(0, Math.min(400, this.startLatencyMs - err * 0.5));
    }
    if (this.drift.awaitingSeek && localNow() - this.seekedAt > 250 && this.seekedAt > 0) this.drift.seekLanded(err);
    const c = this.drift.decide(err, target, s.rate, localNow());
    if (c.kind === 'seek') {
      this.seekedAt = 0;
      this.seekTo(c.toMs);
    }
    if (Math.abs(this.video.playbackRate - c.rate) > 0.002) this.video.playbackRate = c.rate;
    this.report(err);
  }

  private report(errorMs: number | null): void {
    const status: PlayerStatus = {
      buffering: this.buffering,
      errorMs: errorMs === null ? null : Math.round(errorMs),
      rttMs: Math.round(this.clock.rttMs),
      offsetMs: Math.round(this.clock.offsetMs),
      needsGesture: this.needsGesture,
    };
    const key = `${status.buffering}|${status.errorMs === null ? 'n' : Math.round(status.errorMs / 10)}|${status.rttMs}|${status.needsGesture}`;
    if (key === this.lastStatus) return;
    this.lastStatus = key;
    this.events.status(status);
  }

  private onWaiting(): void {
    if (this.bufferingTimer || !this.state?.playing) return;
    // Seeks and short hiccups are not worth stopping the party for.
    this.bufferingTimer = setTimeout(() => {
      this.bufferingTimer = null;
      if (this.video.readyState < 3 && this.state?.playing && !this.buffering) {
        this.buffering = true;
        this.events.reportBuffering(true);
      }
    }, 700);
  }

  private onFlowing(): void {
    if (this.bufferingTimer) clearTimeout(this.bufferingTimer);
    this.bufferingTimer = null;
    if (this.buffering && this.video.readyState >= 3) {
      this.buffering = false;
      this.events.reportBuffering(false);
    }
  }

  /** For the benchmark and tests: where this player is against the shared clock. */
  sample(): PlayerSample {
    return {
      wallMs: localNow(),
      serverMs: this.serverNow(),
      currentTimeMs: this.video.currentTime * 1000,
      paused: this.video.paused,
      rate: this.video.playbackRate,
      version: this.state?.version ?? 0,
    };
  }
}
