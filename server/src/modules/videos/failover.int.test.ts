import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import type { Video } from '@tremolo/protocol';
import { startNodes, type TestNodes } from '../../test/cluster.ts';
import { testDb, TestSocket } from '../../test/harness.ts';
import { signupOverHttp } from '../../test/processes.ts';
import { sampleVideo } from './fixtures.ts';

/**
 * Video processing survives the node doing it: node A takes the upload's job and is killed with
 * SIGKILL in the middle of it; node B, which started meanwhile and left the upload alone, takes
 * the job over once A's heartbeat is overdue, and the uploader, connected to B, hears it is ready.
 * Both nodes share one storage directory (shared object storage is another piece of work).
 */
let cluster: TestNodes | null = null;
let sql: pg.Client | null = null;

const ws = (base: string) => base.replace('http', 'ws') + '/ws?v=1';

async function jobOf(videoId: string): Promise<{ state: string; retry_count: number } | undefined> {
  const r = await sql!.query<{ state: string; retry_count: number }>(
    `select state, retry_count from pgboss.job where name = 'video-process' and singleton_key = $1 order by created_on desc limit 1`,
    [videoId],
  );
  return r.rows[0];
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('video processing across nodes', { skip: testDb !== 'postgres' && 'needs PostgreSQL shared by two processes' }, () => {
  before(async () => {
    // The nodes start one at a time, in the test.
    cluster = await startNodes({
      nodes: 0,
      env: { JOBS_HEARTBEAT_SEC: '10', JOBS_SWEEP_SEC: '1', JOBS_POLL_MS: '500', VIDEO_PROCESS_RETRY_DELAY_SEC: '1' },
    });
    sql = new pg.Client({ connectionString: cluster.databaseUrl });
    await sql.connect();
  });
  after(async () => {
    await sql?.end();
    await cluster?.close();
  });

  test('a node killed while processing an upload leaves it to another node, which finishes it', async () => {
    // A holds each attempt for a minute before ffmpeg starts: it is certainly mid-job when killed.
    const a = await cluster!.start({ VIDEO_PROCESS_TEST_DELAY_MS: '60000' });
    const author = await signupOverHttp(a.url, 'fo_author');

    const form = new FormData();
    form.set('caption', 'survives a dead node');
    form.set('hashtags', '');
    form.set('visibility', 'public');
    const bytes = await readFile(await sampleVideo('landscape', { width: 320, height: 240, seconds: 1 }));
    form.set('file', new Blob([bytes], { type: 'video/mp4' }), 'clip.mp4');
    const res = await fetch(`${a.url}/api/v1/videos`, {
      method: 'POST',
      headers: { cookie: author.cookie, 'x-csrf-token': author.csrf },
      body: form,
    });
    assert.equal(res.status, 202, await res.clone().text());
    const uploaded = (await res.json()) as Video;
    assert.equal(uploaded.status, 'processing');
    await until('A to take the job', async () => (await jobOf(uploaded.id))?.state === 'active', 10_000);

    // B starts while A is working: it neither fails the upload nor takes the job A holds.
    const b = await cluster!.start();
    const sock = await TestSocket.open(ws(b.url), author.cookie);
    sock.send({ t: 'sub', ch: `user:${author.id}` });
    await sock.next((f) => f.t === 'subbed');
    const during = await fetch(`${b.url}/api/v1/videos/${uploaded.id}`, { headers: { cookie: author.cookie } });
    assert.equal(((await during.json()) as Video).status, 'processing');
    assert.deepEqual(await jobOf(uploaded.id), { state: 'active', retry_count: 0 });

    await a.stop('SIGKILL');
    const heard = await sock.next((f) => f.t === 'ev' && f.body.kind === 'video_status', 60_000);
    assert.ok(heard.t === 'ev' && heard.body.kind === 'video_status' && heard.body.videoId === uploaded.id);
    assert.equal(heard.body.status, 'ready');

    const v = (await (await fetch(`${b.url}/api/v1/videos/${uploaded.id}`, { headers: { cookie: author.cookie } })).json()) as Video;
    assert.equal(v.status, 'ready');
    assert.equal(v.error, null);
    const stream = await fetch(`${b.url}${v.streamUrl!}`, { headers: { cookie: author.cookie } });
    assert.equal(stream.status, 200);
    assert.ok((await stream.arrayBuffer()).byteLength > 1000);
    // The second attempt, on B, completed it.
    assert.deepEqual(await jobOf(uploaded.id), { state: 'completed', retry_count: 1 });
  });
});
