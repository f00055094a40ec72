import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../platform/errors.ts';
import { JanusError, JANUS_SESSION_NOT_FOUND, JANUS_UNAVAILABLE } from '../../platform/media/janus/connection.ts';
import { sfuFailure } from './sfu-errors.ts';

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
