import { RtpHeader, RtpPacket } from 'werift';
import { writeVp8, type Vp8Descriptor } from './vp8.ts';

/**
 * One outgoing RTP stream made of several incoming ones in turn (simulcast layers, or the
 * streams of a publisher who reconnected). Each switch rebases sequence number, timestamp,
 * VP8 picture id and TL0PICIDX so that the receiver sees one gapless stream; otherwise its
 * jitter buffer would wait for the "missing" sequence numbers or drop frames as old.
 */
export class StreamRewriter {
  private source: number | null = null;
  private seqOffset = 0;
  private tsOffset = 0;
  private picOffset = 0;
  private tl0Offset = 0;
  private lastSeq = -1;
  private lastTs = 0;
  private lastPic = -1;
  private lastTl0 = -1;
  private lastAtMs = 0;

  constructor(private readonly clockRate: number) {}

  /** The SSRC currently forwarded, or null before the first packet. */
  get currentSource(): number | null {
    return this.source;
  }

  /**
   * Returns the rewritten copy of `packet` (the original is shared with other subscribers
   * and must not change). A packet from a new SSRC starts a new source.
   */
  rewrite(packet: RtpPacket, vp8: Vp8Descriptor | null, nowMs: number): RtpPacket {
    const h = packet.header;
    if (h.ssrc !== this.source) this.rebase(h.ssrc, h.sequenceNumber, h.timestamp, vp8, nowMs);
    const seq = (h.sequenceNumber + this.seqOffset) & 0xffff;
    const ts = (h.timestamp + this.tsOffset) >>> 0;
    // Extensions are the publisher's ids; the subscriber's sender writes its own.
    const header = new RtpHeader({ ...h, sequenceNumber: seq, timestamp: ts, extensions: [] });
    let payload = packet.payload;
    if (vp8 && (vp8.pictureIdBits !== 0 || vp8.tl0At >= 0)) {
      const pic = vp8.pictureIdBits === 0 ? 0 : (vp8.pictureId + this.picOffset) & (vp8.pictureIdBits === 15 ? 0x7fff : 0x7f);
      const tl0 = (vp8.tl0PicIdx + this.tl0Offset) & 0xff;
      payload = Buffer.from(packet.payload);
      writeVp8(payload, vp8, pic, tl0);
      if (vp8.pictureIdBits !== 0) this.lastPic = pic;
      if (vp8.tl0At >= 0) this.lastTl0 = tl0;
    }
    if (this.lastSeq < 0 || ((seq - this.lastSeq) & 0xffff) < 0x8000) {
      this.lastSeq = seq;
      this.lastTs = ts;
      this.lastAtMs = nowMs;
    }
    return new RtpPacket(header, payload);
  }

  /** Forget the current source, so that the next packet (from any SSRC) starts a new one. */
  reset(): void {
    this.source = null;
  }

  private rebase(ssrc: number, seq: number, ts: number, vp8: Vp8Descriptor | null, nowMs: number): void {
    if (this.lastSeq >= 0) {
      this.seqOffset = (this.lastSeq + 1 - seq) & 0xffff;
      // Advance the clock by the wall time since the last packet, so the receiver's
      // playout timing sees the real gap rather than two frames at the same instant.
      const elapsed = Math.max(1, Math.round(((nowMs - this.lastAtMs) * this.clockRate) / 1000));
      this.tsOffset = (this.lastTs + elapsed - ts) >>> 0;
      if (vp8 && vp8.pictureIdBits !== 0 && this.lastPic >= 0) this.picOffset = this.lastPic + 1 - vp8.pictureId;
      if (vp8 && vp8.tl0At >= 0 && this.lastTl0 >= 0) this.tl0Offset = this.lastTl0 + 1 - vp8.tl0PicIdx;
    }
    this.source = ssrc;
  }
}
