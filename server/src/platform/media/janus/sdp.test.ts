import assert from 'node:assert/strict';
import { test } from 'node:test';
import { offeredMedia, ridOrder } from './sdp.ts';

const OFFER = [
  'v=0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'a=mid:0',
  'a=sendonly',
  'm=video 9 UDP/TLS/RTP/SAVPF 96',
  'a=mid:1',
  'a=rid:l send',
  'a=rid:h send',
  'a=simulcast:send l;~h',
  'm=video 0 UDP/TLS/RTP/SAVPF 96',
  'a=mid:2',
  '',
].join('\r\n');

test('offeredMedia reads mids, kinds and rids in offer order, skipping rejected sections', () => {
  assert.deepEqual(offeredMedia(OFFER), [
    { mid: '0', kind: 'audio', rids: [] },
    { mid: '1', kind: 'video', rids: ['l', 'h'] },
  ]);
});

test('ridOrder tells Janus when the low layer comes first', () => {
  assert.equal(ridOrder(['h', 'l']), 'hml');
  assert.equal(ridOrder(['h', 'm', 'l']), 'hml');
  assert.equal(ridOrder(['l', 'h']), 'lmh');
  assert.equal(ridOrder(['q', 'h', 'f']), 'lmh');
  assert.equal(ridOrder(['a']), 'hml');
});
