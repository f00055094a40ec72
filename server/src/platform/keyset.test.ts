import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from './errors.ts';
import { decodeTimeKey, encodeTimeKey } from './keyset.ts';

test('a time key reads back as the time and id it was made of', () => {
  const at = new Date('2026-12-04T10:20:30.456Z');
  const id = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
  assert.deepEqual(decodeTimeKey(encodeTimeKey(at, id)), { at, id });
});

test('anything else is a validation error, never a bad date or a query', () => {
  for (const bad of ['', 'x', '2026-12-04T10:20:30Z_0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b', '12_not-a-uuid', "1_' or 1=1 --"]) {
    assert.throws(
      () => decodeTimeKey(bad),
      (e: unknown) => e instanceof AppError && e.code === 'validation_failed',
      bad,
    );
  }
});
