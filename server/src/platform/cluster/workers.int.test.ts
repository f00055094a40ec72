import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createScratchDatabase, testDb, TestSocket } from '../../test/harness.ts';
import { signupOverHttp, startServerProcess, type ServerProcess } from '../../test/processes.ts';

/**
 * `WORKERS=2`: one port, two worker processes, each a node of its own over Redis. Sockets are dealt
 * to both; a fan-out reaches every socket in order whichever worker holds it; a worker that dies
 * is replaced, and its clients resume on the other without gap or repeat.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ws = (base: string) => base.replace('http', 'ws') + '/ws?v=1';

let server: ServerProcess | null = null;
let dropDb: (() => Promise<void>) | null = null;
const prefix = `test-${randomBytes(5).toString('hex')}`;

/** Worker pids that have logged "Tremolo is up" (pino puts the pid on every line). */
function upPids(out: string): number[] {
  const pids = new Set<number>();
  for (const line of out.split('\n')) {
    if (!line.includes('"Tremolo is up"')) continue;
    const { pid } = JSON.parse(line) as { pid: number };
    pids.add(pid);
  }
  return [...pids];
}

async function until<T>(what: string, probe: () => T | null, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${server?.output().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('WORKERS=2 on one port', { skip: testDb !== 'postgres' && 'workers share PostgreSQL, which PGlite cannot' }, () => {
  before(async () => {
    const scratch = await createScratchDatabase();
    dropDb = scratch.drop;
    server = await startServerProcess(
      { DATABASE_URL: scratch.url, REDIS_URL, REDIS_PREFIX: prefix, WORKERS: '2', LOG_LEVEL: 'info' },
      undefined,
      [],
      90_000,
    );
  });
  after(async () => {
    const exited = server && new Promise<number | null>((resolve) => server!.child.once('exit', (code) => resolve(code)));
    await server?.stop('SIGTERM');
    if (exited) assert.equal(await exited, 0, 'the primary stops its workers and exits cleanly');
    await dropDb?.();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  test('sockets spread over both workers get every event in order; a killed worker is replaced and its clients resume', async () => {
    const s = server!;
    const pids = await until('two workers listening', () => {
      const p = upPids(s.output());
      return p.length >= 2 ? p : null;
    });
    const creator = await signupOverHttp(s.url, 'wk_creator');
    const fan = await signupOverHttp(s.url, 'wk_fan');
    const ch = `creator:${creator.id}`;

    // Connections are dealt round-robin: consecutive sockets land on alternate workers.
    const fans = [];
    for (let i = 0; i < 4; i++) {
      const sock = await TestSocket.open(ws(s.url), fan.cookie);
      sock.send({ t: 'sub', ch });
      await sock.next((f) => f.t === 'subbed' && f.ch === ch);
      fans.push(sock);
    }
    const pub = await TestSocket.open(ws(s.url), creator.cookie);
    for (let i = 1; i <= 3; i++) pub.send({ t: 'pub', ch, cid: `a${i}`, body: { kind: 'broadcast', text: `m${i}` } });
    for (const f of fans) {
      await f.next((x) => x.t === 'ev' && x.seq === 3);
      assert.deepEqual(
        f.events(ch).map((e) => e.seq),
        [1, 2, 3],
      );
    }
    pub.close();

    // One worker dies without a word: the sockets it held close, the others stay.
    process.kill(pids[0]!, 'SIGKILL');
    const outcome = await Promise.all(
      fans.map((f) =>
        f.closed(3000).then(
          () => 'closed' as const,
          () => 'open' as const,
        ),
      ),
    );
    assert.equal(outcome.filter((o) => o === 'closed').length, 2, `two of four sockets were on the killed worker: ${outcome.join(',')}`);

    const pub2 = await TestSocket.open(ws(s.url), creator.cookie);
    for (let i = 4; i <= 5; i++) pub2.send({ t: 'pub', ch, cid: `a${i}`, body: { kind: 'broadcast', text: `m${i}` } });
    await pub2.next((f) => f.t === 'ack' && f.cid === 'a5');
    for (const [i, f] of fans.entries()) {
      let sock = f;
      if (outcome[i] === 'closed') {
        sock = await TestSocket.open(ws(s.url), fan.cookie);
        sock.send({ t: 'sub', ch, since: 3 });
      }
      await sock.next((x) => x.t === 'ev' && x.seq === 5);
      assert.deepEqual(
        sock.events(ch).map((e) => e.seq),
        outcome[i] === 'closed' ? [4, 5] : [1, 2, 3, 4, 5],
      );
      sock.close();
    }
    pub2.close();

    await until('a replacement worker', () => (upPids(s.output()).length >= 3 ? true : null));
    assert.match(s.output(), /a worker exited; starting another/);
  });
});
