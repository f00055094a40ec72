import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RtpHeader, RtpPacket } from 'werift';
import { StreamRewriter } from './rewriter.ts';
import { readVp8 } from './vp8.ts';

/** A VP8 packet with a 15-bit picture id and TL0PICIDX; `key` sets a key frame's first packet. */
function vp8Packet(ssrc: number, seq: number, ts: number, pictureId: number, tl0: number, key: boolean): RtpPacket {
  const payload = Buffer.from([0x90, 0xc0, 0x80 | (pictureId >> 8), pictureId & 0xff, tl0, key ? 0x00 : 0x01, 0, 0]);
  return new RtpPacket(new RtpHeader({ ssrc, sequenceNumber: seq, timestamp: ts, payloadType: 96 }), payload);
}

test('reads the VP8 descriptor: key frame, picture id, TL0PICIDX', () => {
  const d = readVp8(vp8Packet(1, 0, 0, 0x1234, 7, true).payload);
  assert.ok(d);
  assert.equal(d.keyframe, true);
  assert.equal(d.pictureIdBits, 15);
  assert.equal(d.pictureId, 0x1234);
  assert.equal(d.tl0PicIdx, 7);
  assert.equal(readVp8(vp8Packet(1, 0, 0, 1, 1, false).payload)?.keyframe, false);
});

test('a switch to another SSRC continues sequence, timestamp, picture id and TL0PICIDX', () => {
  const r = new StreamRewriter(90000);
  const out: RtpPacket[] = [];
  const push = (p: RtpPacket, now: number) => out.push(r.rewrite(p, readVp8(p.payload), now));
  push(vp8Packet(111, 65534, 4294967000, 32766, 254, true), 1000);
  push(vp8Packet(111, 65535, 4294967000 + 3000, 32767, 255, false), 1033);
  // The other layer: unrelated numbers; 33 ms later.
  const original = vp8Packet(222, 100, 5000, 10, 3, true);
  push(original, 1066);
  push(vp8Packet(222, 101, 8000, 11, 4, false), 1099);

  assert.deepEqual(
    out.map((p) => p.header.sequenceNumber),
    [65534, 65535, 0, 1],
  );
  const ts = out.map((p) => p.header.timestamp);
  assert.equal((ts[2]! - ts[1]! + 2 ** 32) % 2 ** 32, 33 * 90, 'timestamp advances by the wall-clock gap');
  assert.equal((ts[3]! - ts[2]! + 2 ** 32) % 2 ** 32, 3000);
  assert.deepEqual(
    out.map((p) => readVp8(p.payload)?.pictureId),
    [32766, 32767, 0, 1],
  );
  assert.deepEqual(
    out.map((p) => readVp8(p.payload)?.tl0PicIdx),
    [254, 255, 0, 1],
  );
  // The shared original is untouched: other subscribers get their own copies.
  assert.equal(readVp8(original.payload)?.pictureId, 10);
  assert.equal(original.header.sequenceNumber, 100);
});
