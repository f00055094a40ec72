import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../platform/errors.ts';
import { JanusError, JANUS_SESSION_NOT_FOUND, JANUS_UNAVAILABLE } from '../../platform/media/janus/connection.ts';
import { assertUsableSdp, sfuFailure } from './sfu-errors.ts';

const mapped = (err: unknown) => {
  const e = sfuFailure(err);
  return { code: e.code, status: e.status };
};

test('no SFU failure becomes a 5xx', () => {
  const samples: unknown[] = [
    new Error('boom'),
    new TypeError('Cannot read properties of undefined'),
    'a string thrown',
    undefined,
    new AppError('internal', 'No local description'),
    ...[-1, 421, 424, 426, 428, 429, 432, 433, 437, 458, 465, 490, 499].map((c) => new JanusError(c, `janus ${c}`)),
  ];
  for (const s of samples) {
    const e = sfuFailure(s);
    assert.ok(e.status >= 400 && e.status < 500, `${String(s)} → ${e.status}`);
    assert.ok(e.message.length > 0);
  }
});

test('Janus codes map to what the client should do', () => {
  assert.deepEqual(mapped(new JanusError(428, 'No such feed')), { code: 'media_not_live', status: 409 });
  assert.deepEqual(mapped(new JanusError(435, 'Not published')), { code: 'media_not_live', status: 409 });
  assert.deepEqual(mapped(new JanusError(437, 'Invalid SDP')), { code: 'validation_failed', status: 400 });
  assert.deepEqual(mapped(new JanusError(465, 'JSEP error')), { code: 'validation_failed', status: 400 });
  assert.deepEqual(mapped(new JanusError(426, 'No such room')), { code: 'invalid_state', status: 409 });
  assert.deepEqual(mapped(new JanusError(432, 'Maximum number of publishers')), { code: 'limit_reached', status: 409 });
  assert.deepEqual(mapped(new JanusError(JANUS_UNAVAILABLE, 'socket closed')), { code: 'media_unavailable', status: 409 });
  assert.deepEqual(mapped(new JanusError(JANUS_SESSION_NOT_FOUND, 'gone')), { code: 'media_unavailable', status: 409 });
  assert.deepEqual(mapped(new JanusError(499, 'Unknown error')), { code: 'media_failed', status: 422 });
});

test('the adapters’ own 4xx pass through unchanged; anything else is media_failed', () => {
  const own = new AppError('bad_request', 'Cannot accept this offer');
  assert.equal(sfuFailure(own), own);
  assert.deepEqual(mapped(new AppError('internal', 'No local description')), { code: 'media_failed', status: 422 });
  assert.deepEqual(mapped(new Error('DTLS failed')), { code: 'media_failed', status: 422 });
  assert.match(sfuFailure(new Error('DTLS failed')).message, /DTLS failed/);
});

test('an obviously broken session description is refused before the SFU sees it', () => {
  const good = [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    'a=ice-ufrag:abcd',
    'a=ice-pwd:0123456789abcdef012345',
    'a=fingerprint:sha-256 AA:BB',
    '',
  ].join('\r\n');
  assert.doesNotThrow(() => assertUsableSdp(good, 'answerSdp'));
  for (const bad of [
    'v=0\r\nthis is not an answer',
    good.replace('a=fingerprint:sha-256 AA:BB\r\n', ''),
    good.replace('v=0', 'v=1'),
    good.replace(/m=video[^\r]*\r\n/, ''),
  ]) {
    assert.throws(
      () => assertUsableSdp(bad, 'answerSdp'),
      (e: unknown) => e instanceof AppError && e.code === 'validation_failed' && e.status === 400 && e.issues?.[0]?.path === 'answerSdp',
    );
  }
});
