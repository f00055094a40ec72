import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashToken, newToken, readCookie } from './session.ts';

test('readCookie finds one cookie among many and decodes it', () => {
  assert.equal(readCookie('a=1; tremolo_sid=abc%3D; b=2', 'tremolo_sid'), 'abc=');
  assert.equal(readCookie('tremolo_sidx=1', 'tremolo_sid'), undefined);
  assert.equal(readCookie(undefined, 'tremolo_sid'), undefined);
  assert.equal(readCookie('garbage', 'tremolo_sid'), undefined);
});

test('tokens are long, random and stored only as a hash', () => {
  const a = newToken();
  const b = newToken();
  assert.notEqual(a, b);
  assert.ok(a.length >= 43);
  assert.match(hashToken(a), /^[0-9a-f]{64}$/);
  assert.equal(hashToken(a), hashToken(a));
});
