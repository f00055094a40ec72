import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessBus } from '../realtime/bus.ts';
import { SessionCache } from './session-cache.ts';

const user = (id: string) => ({ id, handle: id, csrfToken: `csrf-${id}` });
const later = () => Date.now() + 60_000;

test('a session is read once and then answered from memory', async () => {
  const cache = new SessionCache(new InProcessBus(), { ttlSec: 60 });
  let reads = 0;
  const load = async () => (reads++, { user: user('u1'), expiresAt: later() });
  assert.deepEqual(await cache.resolve('h1', load), user('u1'));
  assert.deepEqual(await cache.resolve('h1', load), user('u1'));
  assert.equal(reads, 1);
});

test('a revoked session and a revoked person are read again', async () => {
  const cache = new SessionCache(new InProcessBus(), { ttlSec: 60 });
  const rows = new Map([
    ['h1', user('u1')],
    ['h2', user('u1')],
    ['h3', user('u1')],
  ]);
  const load = (h: string) => async () => {
    const u = rows.get(h);
    return u ? { user: u, expiresAt: later() } : null;
  };
  for (const h of rows.keys()) await cache.resolve(h, load(h));
  rows.delete('h1');
  await cache.revokeSession('h1');
  assert.equal(await cache.resolve('h1', load('h1')), null);
  rows.delete('h2');
  await cache.revokeUser('u1', 'h3');
  assert.equal(await cache.resolve('h2', load('h2')), null);
  assert.deepEqual(await cache.resolve('h3', async () => null), user('u1'), 'the kept session stays in memory');
});

test('a lookup that a revocation overtook is answered but not kept', async () => {
  const cache = new SessionCache(new InProcessBus(), { ttlSec: 60 });
  let reads = 0;
  await cache.resolve('h1', async () => {
    reads++;
    await cache.revokeSession('h1');
    return { user: user('u1'), expiresAt: later() };
  });
  assert.equal(await cache.resolve('h1', async () => (reads++, null)), null);
  assert.equal(reads, 2);
});

test('an expired session is refused even while in memory; ttl 0 keeps nothing', async () => {
  const cache = new SessionCache(new InProcessBus(), { ttlSec: 60 });
  let expiresAt = Date.now() + 30;
  const load = async () => ({ user: user('u1'), expiresAt });
  assert.ok(await cache.resolve('h1', load));
  await new Promise((r) => setTimeout(r, 40));
  expiresAt = Date.now() - 1;
  assert.equal(await cache.resolve('h1', load), null);

  const none = new SessionCache(new InProcessBus(), { ttlSec: 0 });
  let reads = 0;
  const counted = async () => (reads++, { user: user('u2'), expiresAt: later() });
  await none.resolve('h2', counted);
  await none.resolve('h2', counted);
  assert.equal(reads, 2);
});
