import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../platform/errors.ts';
import type { Call } from './call-store.ts';
import { afterSignal } from './calls.ts';

const call: Call = { id: 'c1', a: 'a', b: 'b', source: 'shake', nodes: ['n1', 'n2'] };

test('a shake call rings on the first offer and is answered by the other side only', () => {
  const ringing = afterSignal(call, 'a', 'offer', 100);
  assert.ok(!(ringing instanceof AppError));
  assert.deepEqual(ringing.ring, { from: 'a', at: 100 });
  // The caller's own repeated offer changes nothing; the caller cannot answer their own ring.
  assert.equal(afterSignal(ringing, 'a', 'offer', 200), ringing);
  assert.ok(afterSignal(ringing, 'a', 'answer', 200) instanceof AppError);
  const answered = afterSignal(ringing, 'b', 'answer', 200);
  assert.ok(!(answered instanceof AppError));
  assert.equal(answered.answered, true);
  assert.equal(answered.ring, undefined);
  // Renegotiation after the answer is not a new ring.
  assert.equal(afterSignal(answered, 'b', 'offer', 300), answered);
});

test('two offers at once answer each other; an answer with no ring is refused', () => {
  const ringing = afterSignal(call, 'a', 'offer', 100) as Call;
  const both = afterSignal(ringing, 'b', 'offer', 110) as Call;
  assert.equal(both.answered, true);
  assert.ok(afterSignal(call, 'b', 'answer', 100) instanceof AppError);
});
