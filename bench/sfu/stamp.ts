/**
 * The clock stamp the full stage's Node publishers put in every RTP payload: a magic word,
 * then the wall clock in ms (float64) when the packet's frame was sent. Publishers and
 * subscribers run on one machine, so `now − stamp` is the latency through the SFU.
 */
export const STAMP_MAGIC = 0x54524d4f; // "TRMO"
/** Where the stamp starts: after the VP8 descriptor and payload header (5 bytes), or at 0 in Opus. */
export const STAMP_AT = { video: 5, audio: 0 } as const;

export function readStamp(payload: Buffer, kind: 'audio' | 'video'): number | null {
  const at = STAMP_AT[kind];
  if (payload.length < at + 12 || payload.readUInt32BE(at) !== STAMP_MAGIC) return null;
  return payload.readDoubleBE(at + 4);
}
