import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byteRange } from './storage-http.ts';

test('byteRange: the one range a Range header asks for, the whole file for what is not served as a part', () => {
  assert.deepEqual(byteRange('bytes=0-99', 1000), { start: 0, end: 99 });
  assert.deepEqual(byteRange('bytes=100-', 1000), { start: 100, end: 999 });
  assert.deepEqual(byteRange('bytes=-100', 1000), { start: 900, end: 999 });
  assert.deepEqual(byteRange('bytes=-5000', 1000), { start: 0, end: 999 }, 'a suffix longer than the file is the file');
  assert.deepEqual(byteRange('bytes=990-5000', 1000), { start: 990, end: 999 }, 'an end beyond the file stops at its last byte');
  assert.equal(byteRange('bytes=1000-', 1000), 'unsatisfiable');
  assert.equal(byteRange('bytes=-0', 1000), 'unsatisfiable');
  for (const whole of [undefined, '', 'bytes=', 'bytes=-', 'bytes=5-1', 'bytes=0-1,5-9', 'items=0-9', 'bytes=a-b']) {
    assert.equal(byteRange(whole, 1000), null, String(whole));
  }
});
