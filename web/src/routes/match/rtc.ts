import type { IceServer, RtcSignalPublish } from '@tremolo/protocol';

export type Signal = Pick<RtcSignalPublish, 'sdp' | 'candidate'>;

export interface PeerCallOptions {
  iceServers: IceServer[];
  /**
   * The polite side yields when both make an offer at once ("perfect negotiation"): in 连线 the
   * answerer, so a shake call where both press "video call" together still connects.
   */
  polite: boolean;
  send(signal: Signal): void;
  onRemoteStream(stream: MediaStream): void;
  onState(state: RTCPeerConnectionState): void;
}

/**
 * One peer-to-peer call over our signalling. Media never touches the server; only offers,
 * answers and ICE candidates do, relayed on the peer's `match:` channel.
 */
export class PeerCall {
  readonly pc: RTCPeerConnection;
  private makingOffer = false;
  private ignoreOffer = false;
  private closed = false;
  /** Candidates that came before the remote description they belong to. */
  private early: RTCIceCandidateInit[] = [];

  constructor(private readonly opts: PeerCallOptions) {
    // No public STUN unless the server lists one: host candidates (and TURN when configured) only.
    this.pc = new RTCPeerConnection({ iceServers: opts.iceServers.map((s) => ({ ...s })) });
    this.pc.onicecandidate = ({ candidate }) => {
      if (candidate)
        opts.send({ candidate: { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex } });
    };
    this.pc.ontrack = (e) => {
      const stream = e.streams[0] ?? new MediaStream([e.track]);
      opts.onRemoteStream(stream);
    };
    this.pc.onconnectionstatechange = () => opts.onState(this.pc.connectionState);
    this.pc.onnegotiationneeded = () => void this.offer();
  }

  /**
   * Starts with our camera. Signals that arrived before (an offer, when the other side called
   * first) are applied before our tracks are added, so our tracks join the offered transceivers
   * and one answer is enough.
   */
  async start(local: MediaStream, earlier: readonly Signal[]): Promise<void> {
    const offer = earlier.find((s) => s.sdp?.type === 'offer');
    if (offer?.sdp) await this.pc.setRemoteDescription(offer.sdp);
    for (const track of local.getTracks()) this.pc.addTrack(track, local);
    if (offer?.sdp) {
      await this.pc.setLocalDescription();
      this.sendLocal();
    }
    for (const s of earlier) if (s !== offer) await this.signal(s);
    await this.flushEarly();
  }

  async signal(s: Signal): Promise<void> {
    if (this.closed) return;
    if (s.sdp) {
      const collision = s.sdp.type === 'offer' && (this.makingOffer || this.pc.signalingState !== 'stable');
      this.ignoreOffer = !this.opts.polite && collision;
      if (this.ignoreOffer) return;
      await this.pc.setRemoteDescription(s.sdp);
      if (s.sdp.type === 'offer') {
        await this.pc.setLocalDescription();
        this.sendLocal();
      }
      await this.flushEarly();
      return;
    }
    if (s.candidate) {
      if (!this.pc.remoteDescription) {
        this.early.push(s.candidate);
        return;
      }
      try {
        await this.pc.addIceCandidate(s.candidate);
      } catch (e) {
        if (!this.ignoreOffer) throw e;
      }
    }
  }

  close(): void {
    this.closed = true;
    this.pc.onicecandidate = null;
    this.pc.ontrack = null;
    this.pc.onconnectionstatechange = null;
    this.pc.onnegotiationneeded = null;
    this.pc.close();
  }

  private async offer(): Promise<void> {
    if (this.closed) return;
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      this.sendLocal();
    } finally {
      this.makingOffer = false;
    }
  }

  private sendLocal(): void {
    const d = this.pc.localDescription;
    if (d && (d.type === 'offer' || d.type === 'answer')) this.opts.send({ sdp: { type: d.type, sdp: d.sdp } });
  }

  private async flushEarly(): Promise<void> {
    const list = this.early;
    this.early = [];
    for (const c of list) await this.pc.addIceCandidate(c).catch(() => undefined);
  }
}

export { mediaProblem, type MediaProblem } from '../../lib/media-problem.ts';

export async function openCamera(): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new DOMException('getUserMedia unavailable', 'SecurityError');
  return navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: 'user' },
    audio: { echoCancellation: true, noiseSuppression: true },
  });
}

/**
 * A frame of the other person's video for a report: about 320 px wide, as a JPEG small enough
 * for the server's limit (it lowers the quality until it fits). Null when there is no picture.
 */
export function snapshotFrame(video: HTMLVideoElement, maxBytes: number): string | null {
  if (!video.videoWidth || !video.videoHeight) return null;
  const width = Math.min(320, video.videoWidth);
  const height = Math.round((video.videoHeight / video.videoWidth) * width);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.drawImage(video, 0, 0, width, height);
  const maxChars = Math.floor((maxBytes * 4) / 3);
  for (const q of [0.7, 0.5, 0.35, 0.2]) {
    const url = canvas.toDataURL('image/jpeg', q);
    if (url.length - url.indexOf(',') - 1 <= maxChars) return url;
  }
  return null;
}
