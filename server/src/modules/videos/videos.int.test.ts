import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { api, ErrorBody, type Endpoint, type ErrorCode, type ResponseOf } from '@tremolo/protocol';
import { assertRefused, startTestApp, TestUser, type ApiReply, type TestApp } from '../../test/harness.ts';
import { sampleVideo, truncatedVideo } from './fixtures.ts';

let t: TestApp;
let author: TestUser;
let friend: TestUser;
let stranger: TestUser;

before(async () => {
  t = await startTestApp({ maxVideoBytes: 3 * 1024 * 1024 });
  author = await TestUser.signup(t, 'v_author');
  friend = await TestUser.signup(t, 'v_friend');
  stranger = await TestUser.signup(t, 'v_stranger');
  await author.invoke(api.graph.follow, { params: { handle: 'v_friend' } });
  await friend.invoke(api.graph.follow, { params: { handle: 'v_author' } });
});
after(async () => t.close());

function multipart(fields: Record<string, string>, file?: { name: string; type: string; bytes: Buffer }) {
  const boundary = '----tremolo' + Math.random().toString(16).slice(2);
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
    );
    parts.push(file.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

export async function upload(
  t: TestApp,
  who: TestUser,
  fields: Record<string, string>,
  file?: { name: string; type: string; bytes: Buffer },
) {
  const body = multipart(fields, file);
  const res = await t.app.http.inject({
    method: 'POST',
    url: '/api/v1/videos',
    headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, 'content-type': body.contentType },
    payload: body.payload,
  });
  return replyOf(api.videos.upload, res.statusCode, res.body);
}

/** A multipart call's answer as `invoke` gives it: a 2xx body checked against the contract, a 4xx in `error`. */
function replyOf<E extends Endpoint>(e: E, status: number, text: string): Omit<ApiReply<ResponseOf<E>>, 'headers'> {
  const json: unknown = JSON.parse(text);
  if (status >= 200 && status < 300) return { status, body: e.response.parse(json) as ResponseOf<E>, error: undefined };
  return { status, body: undefined as never, error: ErrorBody.parse(json).error };
}

async function stored(): Promise<string[]> {
  return readdir(path.join(t.app.config.storageDir, 'private', 'videos')).catch(() => []);
}

describe('videos', () => {
  test('an upload is checked, processed in the background and plays with range requests', async () => {
    const bytes = await readFile(await sampleVideo('landscape', { width: 426, height: 240, seconds: 2 }));
    const r = await upload(
      t,
      author,
      { caption: 'Noodles in 60s #cooking', hashtags: 'food, #Quick', visibility: 'public', coverTimeMs: '500' },
      { name: 'clip.mov', type: 'video/quicktime', bytes },
    );
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.status, 'processing');
    assert.deepEqual(r.body.hashtags.sort(), ['cooking', 'food', 'quick']);
    await t.app.services.videos.idle();
    const v = await author.invoke(api.videos.get, { params: { id: r.body.id } });
    assert.equal(v.body.status, 'ready');
    assert.ok(Math.abs(v.body.durationMs! - 2000) < 300, `duration ${v.body.durationMs}`);
    assert.equal(v.body.height, 240);
    const full = await t.app.http.inject({ method: 'GET', url: v.body.streamUrl! });
    assert.equal(full.statusCode, 200);
    assert.match(String(full.headers['content-type']), /video\/mp4/);
    const mp4 = full.rawPayload;
    assert.ok(mp4.indexOf('moov') < mp4.indexOf('mdat'), 'fast start: the index comes first');
    const part = await t.app.http.inject({ method: 'GET', url: v.body.streamUrl!, headers: { range: 'bytes=100-199' } });
    assert.equal(part.statusCode, 206);
    assert.equal(part.headers['content-range'], `bytes 100-199/${mp4.length}`);
    assert.deepEqual(part.rawPayload, mp4.subarray(100, 200));
    const posterRes = await t.app.http.inject({ method: 'GET', url: v.body.posterUrl! });
    assert.equal(posterRes.statusCode, 200);
    assert.equal(posterRes.rawPayload.subarray(0, 2).toString('hex'), 'ffd8', 'poster is a JPEG');
  });

  test('WebM uploads are accepted and become MP4', async () => {
    const bytes = await readFile(await sampleVideo('webm', { ext: 'webm', seconds: 1 }));
    const r = await upload(t, author, { caption: 'webm' }, { name: 'a.webm', type: 'video/webm', bytes });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    await t.app.services.videos.idle();
    const v = await author.invoke(api.videos.get, { params: { id: r.body.id } });
    assert.equal(v.body.status, 'ready');
  });

  test('bad uploads get a clear error and leave nothing behind', async () => {
    const before = (await stored()).length;
    const mine = async () =>
      (await author.invoke(api.videos.byAuthor, { params: { handle: 'v_author' }, query: { limit: 100 } })).body.items.length;
    const count = await mine();
    const cases: [string, Awaited<ReturnType<typeof upload>>, number, ErrorCode][] = [
      [
        'renamed text file',
        await upload(
          t,
          author,
          { caption: 'x' },
          { name: 'movie.mp4', type: 'video/mp4', bytes: Buffer.from('I am a text file pretending to be a video. '.repeat(50)) },
        ),
        415,
        'unsupported_media_type',
      ],
      [
        'truncated mp4',
        await upload(t, author, { caption: 'x' }, { name: 'cut.mp4', type: 'video/mp4', bytes: await readFile(await truncatedVideo()) }),
        422,
        'unprocessable',
      ],
      [
        'zero bytes',
        await upload(t, author, { caption: 'x' }, { name: 'empty.mp4', type: 'video/mp4', bytes: Buffer.alloc(0) }),
        422,
        'unprocessable',
      ],
      [
        'oversized',
        await upload(t, author, { caption: 'x' }, { name: 'big.mp4', type: 'video/mp4', bytes: Buffer.alloc(4 * 1024 * 1024, 7) }),
        413,
        'payload_too_large',
      ],
      ['no file', await upload(t, author, { caption: 'x' }), 400, 'validation_failed'],
      [
        'bad visibility',
        await upload(
          t,
          author,
          { visibility: 'everyone' },
          { name: 'a.mp4', type: 'video/mp4', bytes: await readFile(await sampleVideo('tiny', { seconds: 1 })) },
        ),
        400,
        'validation_failed',
      ],
    ];
    for (const [name, r, status, code] of cases) assertRefused(r, status, code, name);
    const anon = await t.app.http.inject({
      method: 'POST',
      url: '/api/v1/videos',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x--',
    });
    assert.equal(anon.statusCode, 401);
    assert.equal(await mine(), count, 'no video row was created');
    assert.equal((await stored()).length, before, 'no files were kept');
    const tmp = await readdir(path.join(t.app.config.storageDir, 'private', 'tmp')).catch(() => []);
    assert.deepEqual(tmp, [], 'no temp files remain');
  });

  test('friends-only and private videos are invisible to everyone they are not meant for', async () => {
    const bytes = await readFile(await sampleVideo('tiny', { seconds: 1 }));
    const fo = await upload(t, author, { caption: 'just for friends', visibility: 'friends' }, { name: 'f.mp4', type: 'video/mp4', bytes });
    const pr = await upload(t, author, { caption: 'only me', visibility: 'private' }, { name: 'p.mp4', type: 'video/mp4', bytes });
    await t.app.services.videos.idle();
    // The friend sees the friends-only post in Friends and can play it.
    const feed = await friend.invoke(api.feeds.friends);
    const ids = feed.body.items.flatMap((i) => (i.type === 'video' ? [i.video.id] : []));
    assert.ok(ids.includes(fo.body.id));
    assert.ok(!ids.includes(pr.body.id));
    assert.equal(
      (await t.app.http.inject({ method: 'GET', url: `/api/v1/videos/${fo.body.id}/stream`, headers: { cookie: friend.cookie } }))
        .statusCode,
      200,
    );
    // A stranger cannot reach either through any route.
    for (const id of [fo.body.id, pr.body.id]) {
      for (const suffix of ['', '/stream', '/poster', '/comments']) {
        const res = await t.app.http.inject({ method: 'GET', url: `/api/v1/videos/${id}${suffix}`, headers: { cookie: stranger.cookie } });
        assert.equal(res.statusCode, 404, `stranger GET ${suffix}`);
        const anon = await t.app.http.inject({ method: 'GET', url: `/api/v1/videos/${id}${suffix}` });
        assert.equal(anon.statusCode, 404, `anonymous GET ${suffix}`);
      }
      assertRefused(await stranger.invoke(api.videos.like, { params: { id: id } }), 404, 'not_found');
      assertRefused(await stranger.invoke(api.videos.comment, { params: { id: id }, body: { text: 'hi' } }), 404, 'not_found');
    }
    const listed = await stranger.invoke(api.videos.byAuthor, { params: { handle: 'v_author' } });
    assert.ok(listed.body.items.every((v) => v.visibility === 'public'));
    const strangerFeed = await stranger.invoke(api.feeds.friends);
    assert.equal(strangerFeed.body.items.length, 0);
    for (let i = 0; i < 3; i++) {
      const fy = await stranger.invoke(api.feeds.forYou, { query: { limit: 30 } });
      assert.ok(fy.body.items.every((x) => x.type !== 'video' || x.video.visibility === 'public'));
    }
    assertRefused(await friend.invoke(api.videos.get, { params: { id: pr.body.id } }), 404, 'not_found');
    // Only the author may change it.
    assertRefused(await friend.invoke(api.videos.update, { params: { id: fo.body.id }, body: { visibility: 'public' } }), 403, 'forbidden');
  });

  test('every file a friends-only or private video writes leaves only through the visibility check', async () => {
    const bytes = await readFile(await sampleVideo('tiny', { seconds: 1 }));
    const fo = await upload(
      t,
      author,
      { caption: 'files for friends', visibility: 'friends' },
      { name: 'f.mp4', type: 'video/mp4', bytes },
    );
    const pr = await upload(t, author, { caption: 'files for me', visibility: 'private' }, { name: 'p.mp4', type: 'video/mp4', bytes });
    await t.app.services.videos.idle();
    const root = t.app.config.storageDir;
    const written: string[] = [];
    for (const id of [fo.body.id, pr.body.id]) {
      const files = (await readdir(root, { recursive: true })).filter((f) => f.includes(id) && path.extname(f) !== '');
      assert.ok(files.length >= 2, `the transcode and poster of ${id} are on disk: ${files.join(', ')}`);
      written.push(...files);
    }
    // Every public path such a file could be guessed at: under /media/ with and without the
    // area prefixes, encoded traversal out of the public area, and the bare key.
    const guesses = written.flatMap((f) => {
      const key = f.split(path.sep).join('/');
      const tail = key.replace(/^(public|private)\//, '');
      return [
        `/media/${key}`,
        `/media/${tail}`,
        `/media/${tail.replace(/^videos\//, '')}`,
        `/media/..%2f${key}`,
        `/media/%2e%2e/${key}`,
        `/media/../${key}`,
        `/${key}`,
        `/${tail}`,
      ];
    });
    for (const url of guesses) {
      for (const who of [stranger, null]) {
        const res = await t.app.http.inject({ method: 'GET', url, headers: who ? { cookie: who.cookie } : {} });
        assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${who ? 'stranger' : 'logged out'} GET ${url}: ${res.statusCode}`);
        assert.ok(
          !res.rawPayload.includes(Buffer.from('ftyp')) && res.rawPayload.subarray(0, 2).toString('hex') !== 'ffd8',
          `${url} leaked media bytes`,
        );
      }
    }
    // Through the checked route: the friend plays the friends-only video until the friendship ends.
    assert.equal(
      (await t.app.http.inject({ method: 'GET', url: `/api/v1/videos/${fo.body.id}/poster`, headers: { cookie: friend.cookie } }))
        .statusCode,
      200,
    );
    await author.invoke(api.graph.block, { params: { handle: 'v_friend' } });
    for (const which of ['stream', 'poster']) {
      const res = await t.app.http.inject({
        method: 'GET',
        url: `/api/v1/videos/${fo.body.id}/${which}`,
        headers: { cookie: friend.cookie },
      });
      assert.equal(res.statusCode, 404, `blocked ex-friend ${which}`);
    }
    await author.invoke(api.graph.unblock, { params: { handle: 'v_friend' } });
    await author.invoke(api.graph.follow, { params: { handle: 'v_friend' } });
    await friend.invoke(api.graph.follow, { params: { handle: 'v_author' } });
    assert.equal(
      (await t.app.http.inject({ method: 'GET', url: `/api/v1/videos/${pr.body.id}/stream`, headers: { cookie: author.cookie } }))
        .statusCode,
      200,
      'the author plays their private video',
    );
  });

  test('an install from before the split keeps its files, and its videos stop being public', async () => {
    const { mkdtemp, mkdir, writeFile } = await import('node:fs/promises');
    const os = await import('node:os');
    const { prepareStorage } = await import('../../platform/storage.ts');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tremolo-old-layout-'));
    await mkdir(path.join(dir, 'videos', 'v1'), { recursive: true });
    await writeFile(path.join(dir, 'videos', 'v1', 'video.mp4'), 'mp4');
    await mkdir(path.join(dir, 'avatars'), { recursive: true });
    await writeFile(path.join(dir, 'avatars', 'a.webp'), 'webp');
    await mkdir(path.join(dir, 'tmp'), { recursive: true });
    await writeFile(path.join(dir, 'tmp', 'upload-1'), 'half');
    await prepareStorage(dir);
    assert.ok(existsSync(path.join(dir, 'private', 'videos', 'v1', 'video.mp4')));
    assert.ok(existsSync(path.join(dir, 'public', 'avatars', 'a.webp')));
    assert.ok(!existsSync(path.join(dir, 'tmp')));
    await prepareStorage(dir);
    assert.deepEqual((await readdir(dir)).sort(), ['private', 'public']);
  });

  test('likes, comments with one level of replies, and social proof in the Friends feed', async () => {
    const bytes = await readFile(await sampleVideo('tiny', { seconds: 1 }));
    const r = await upload(t, author, { caption: 'like me' }, { name: 'l.mp4', type: 'video/mp4', bytes });
    await t.app.services.videos.idle();
    const id = r.body.id;
    assert.deepEqual((await friend.invoke(api.videos.like, { params: { id: id } })).body, { liked: true, likes: 1 });
    assert.deepEqual((await friend.invoke(api.videos.like, { params: { id: id } })).body, { liked: true, likes: 1 });
    assert.deepEqual((await stranger.invoke(api.videos.like, { params: { id: id } })).body, { liked: true, likes: 2 });
    assert.deepEqual((await stranger.invoke(api.videos.unlike, { params: { id: id } })).body, { liked: false, likes: 1 });
    const seenByAuthor = await author.invoke(api.videos.get, { params: { id: id } });
    assert.deepEqual(
      seenByAuthor.body.likedByFriends.map((u) => u.handle),
      ['v_friend'],
    );
    const c = await stranger.invoke(api.videos.comment, { params: { id: id }, body: { text: 'nice!' } });
    assert.equal(c.status, 201);
    const reply = await author.invoke(api.videos.comment, {
      params: { id: id },
      body: {
        text: 'thanks',
        parentId: c.body.id,
      },
    });
    const deeper = await friend.invoke(api.videos.comment, {
      params: { id: id },
      body: {
        text: 'agreed',
        parentId: reply.body.id,
      },
    });
    assert.equal(deeper.body.parentId, c.body.id, 'a reply to a reply stays one level deep');
    const top = await friend.invoke(api.videos.comments, { params: { id: id } });
    assert.deepEqual(
      top.body.items.map((x) => x.replies),
      [2],
    );
    const replies = await friend.invoke(api.videos.comments, { params: { id: id }, query: { parentId: c.body.id } });
    assert.deepEqual(
      replies.body.items.map((x) => x.text),
      ['thanks', 'agreed'],
    );
    assertRefused(await friend.invoke(api.videos.comment, { params: { id: id }, body: { text: '' } }), 400, 'validation_failed');
    assert.equal(
      (
        await friend.invoke(api.videos.comment, {
          params: { id: id },
          body: { text: 'x', parentId: '00000000-0000-7000-8000-000000000000' },
        })
      ).status,
      400,
    );
    assert.equal((await friend.invoke(api.videos.watch, { params: { id: id }, body: { watchedMs: 400 } })).status, 200);
    assert.equal((await friend.invoke(api.videos.watch, { params: { id: id }, body: { watchedMs: 900, completed: true } })).status, 200);
    assert.equal((await friend.invoke(api.videos.watch, { params: { id: id }, body: { watchedMs: 900, completed: true } })).status, 200);
    assert.equal(
      (await author.invoke(api.videos.get, { params: { id: id } })).body.views,
      1,
      'progress reports of one person are one view',
    );
    assertRefused(await friend.invoke(api.videos.watch, { params: { id: id }, body: { watchedMs: -1 } }), 400, 'validation_failed');
  });
});
