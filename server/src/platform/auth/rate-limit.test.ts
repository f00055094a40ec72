import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimit } from './rate-limit.ts';
import { AppError } from '../errors.ts';

test('a limit allows its budget, then says rate_limited with a wait', async () => {
  const rl = new RateLimit({ name: 't', points: 2, durationSec: 60 });
  await rl.consume('k', 'tries');
  await rl.consume('k', 'tries');
  await assert.rejects(
    rl.consume('k', 'tries'),
    (e: unknown) => e instanceof AppError && e.code === 'rate_limited' && /try again in \d+ s/.test(e.message),
  );
  await assert.rejects(rl.check('k', 'tries'));
  await rl.consume('other', 'tries');
  await rl.reset('k');
  await rl.check('k', 'tries');
});
