/**
 * The VP8 RTP payload descriptor (RFC 7741 §4.2), read and rewritten in place. A subscriber
 * switching between simulcast layers sees one continuous stream only if the picture id and
 * TL0PICIDX continue too: libwebrtc's frame reference finder keys frames on them.
 */
export interface Vp8Descriptor {
  /** First packet of a key frame (start of partition 0 with the P bit clear). */
  keyframe: boolean;
  /** First packet of a frame. */
  frameStart: boolean;
  /** Offset and width (7 or 15 bits) of the picture id, when present. */
  pictureIdAt: number;
  pictureIdBits: 0 | 7 | 15;
  pictureId: number;
  /** Offset of TL0PICIDX, or -1. */
  tl0At: number;
  tl0PicIdx: number;
}

export function readVp8(payload: Uint8Array): Vp8Descriptor | null {
  if (payload.length < 1) return null;
  const b0 = payload[0]!;
  const extended = (b0 & 0x80) !== 0;
  const start = (b0 & 0x10) !== 0;
  const partition = b0 & 0x0f;
  let at = 1;
  let pictureIdAt = -1;
  let pictureIdBits: 0 | 7 | 15 = 0;
  let pictureId = 0;
  let tl0At = -1;
  let tl0PicIdx = 0;
  if (extended) {
    if (payload.length < 2) return null;
    const b1 = payload[1]!;
    at = 2;
    if (b1 & 0x80) {
      if (payload.length <= at) return null;
      pictureIdAt = at;
      if (payload[at]! & 0x80) {
        if (payload.length <= at + 1) return null;
        pictureIdBits = 15;
        pictureId = ((payload[at]! & 0x7f) << 8) | payload[at + 1]!;
        at += 2;
      } else {
        pictureIdBits = 7;
        pictureId = payload[at]! & 0x7f;
        at += 1;
      }
    }
    if (b1 & 0x40) {
      if (payload.length <= at) return null;
      tl0At = at;
      tl0PicIdx = payload[at]!;
      at += 1;
    }
    if (b1 & 0x30) at += 1;
  }
  const frameStart = start && partition === 0;
  const keyframe = frameStart && payload.length > at && (payload[at]! & 0x01) === 0;
  return { keyframe, frameStart, pictureIdAt, pictureIdBits, pictureId, tl0At, tl0PicIdx };
}

/** Writes a new picture id and TL0PICIDX into a payload whose descriptor was read as `d`. */
export function writeVp8(payload: Uint8Array, d: Vp8Descriptor, pictureId: number, tl0PicIdx: number): void {
  if (d.pictureIdBits === 15) {
    payload[d.pictureIdAt] = 0x80 | ((pictureId >> 8) & 0x7f);
    payload[d.pictureIdAt + 1] = pictureId & 0xff;
  } else if (d.pictureIdBits === 7) {
    payload[d.pictureIdAt] = pictureId & 0x7f;
  }
  if (d.tl0At >= 0) payload[d.tl0At] = tl0PicIdx & 0xff;
}
