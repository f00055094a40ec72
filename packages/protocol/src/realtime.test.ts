import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientFrame, ServerFrame, parseChannel } from './realtime.ts';
import { HTTP_STATUS_BY_CODE, ErrorCode } from './errors.ts';

test('channel names parse into kind and id; anything else is refused', () => {
  assert.deepEqual(parseChannel('user:0192-ab'), { kind: 'user', id: '0192-ab' });
  assert.deepEqual(parseChannel('dm:a:b'), { kind: 'dm', id: 'a:b' });
  assert.equal(parseChannel('admin:1'), null);
  assert.equal(parseChannel('user'), null);
});

test('client frames are a closed union: unknown kinds and extra fields fail', () => {
  assert.ok(ClientFrame.safeParse({ t: 'sub', ch: 'creator:abc', since: 3 }).success);
  assert.ok(ClientFrame.safeParse({ t: 'pub', ch: 'creator:abc', cid: 'c1', body: { kind: 'broadcast', text: 'hi' } }).success);
  assert.equal(ClientFrame.safeParse({ t: 'sub', ch: 'creator:abc', since: -1 }).success, false);
  assert.equal(ClientFrame.safeParse({ t: 'sub', ch: 'Creator:ABC' }).success, false);
  assert.equal(ClientFrame.safeParse({ t: 'pub', ch: 'creator:abc', cid: '', body: { kind: 'broadcast', text: 'hi' } }).success, false);
  assert.equal(
    ClientFrame.safeParse({ t: 'pub', ch: 'creator:abc', cid: 'c', body: { kind: 'notification' } }).success,
    false,
    'clients cannot forge server events',
  );
  assert.equal(
    ClientFrame.safeParse({ t: 'pub', ch: 'creator:abc', cid: 'c', body: { kind: 'broadcast', text: 'x'.repeat(2001) } }).success,
    false,
  );
  assert.equal(ClientFrame.safeParse({ t: 'ping', ts: 1, extra: true }).success, false);
  assert.equal(ClientFrame.safeParse({ t: 'nope' }).success, false);
});

test('server frames round-trip, batches included', () => {
  const ev = { t: 'ev', ch: 'creator:x', seq: 1, from: null, at: 1, body: { kind: 'reaction', emoji: '❤️' } };
  assert.ok(ServerFrame.safeParse(ev).success);
  assert.ok(ServerFrame.safeParse({ t: 'batch', events: [ev, { ...ev, seq: 2 }] }).success);
  assert.equal(ServerFrame.safeParse({ t: 'batch', events: [{ t: 'ack' }] }).success, false);
});

test('every error code has a 4xx status except internal', () => {
  for (const code of ErrorCode.options) {
    const s = HTTP_STATUS_BY_CODE[code];
    if (code === 'internal') assert.equal(s, 500);
    else assert.ok(s >= 400 && s < 500, code);
  }
});
