import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FeedPage, Video } from '@tremolo/protocol';
import { startTestApp, TestUser, type TestApp } from '../../test/harness.ts';
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
  await author.call('PUT', '/api/v1/users/v_friend/follow');
  await friend.call('PUT', '/api/v1/users/v_author/follow');
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
  return { status: res.statusCode, body: JSON.parse(res.body) as Video & { error: { code: string } } };
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
    const v = await author.call<Video>('GET', `/api/v1/videos/${r.body.id}`);
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
    const v = await author.call<Video>('GET', `/api/v1/videos/${r.body.id}`);
    assert.equal(v.body.status, 'ready');
  });

  test('bad uploads get a clear error and leave nothing behind', async () => {
    const before = (await stored()).length;
    const mine = async () => (await author.call<{ items: Video[] }>('GET', '/api/v1/users/v_author/videos?limit=100')).body.items.length;
    const count = await mine();
    const cases: [string, Awaited<ReturnType<typeof upload>>, number][] = [
      [
        'renamed text file',
        await upload(
          t,
          author,
          { caption: 'x' },
          { name: 'movie.mp4', type: 'video/mp4', bytes: Buffer.from('I am a text file pretending to be a video. '.repeat(50)) },
        ),
        415,
      ],
      [
        'truncated mp4',
        await upload(t, author, { caption: 'x' }, { name: 'cut.mp4', type: 'video/mp4', bytes: await readFile(await truncatedVideo()) }),
        422,
      ],
      ['zero bytes', await upload(t, author, { caption: 'x' }, { name: 'empty.mp4', type: 'video/mp4', bytes: Buffer.alloc(0) }), 422],
      [
        'oversized',
        await upload(t, author, { caption: 'x' }, { name: 'big.mp4', type: 'video/mp4', bytes: Buffer.alloc(4 * 1024 * 1024, 7) }),
        413,
      ],
      ['no file', await upload(t, author, { caption: 'x' }), 400],
      [
        'bad visibility',
        await upload(
          t,
          author,
          { visibility: 'everyone' },
          { name: 'a.mp4', type: 'video/mp4', bytes: await readFile(await sampleVideo('tiny', { seconds: 1 })) },
        ),
        400,
      ],
    ];
    for (const [name, r, status] of cases) {
      assert.equal(r.status, status, `${name}: ${JSON.stringify(r.body)}`);
      assert.equal(typeof r.body.error.code, 'string', name);
    }
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
    const feed = await friend.call<FeedPage>('GET', '/api/v1/feeds/friends');
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
      assert.equal((await stranger.call('PUT', `/api/v1/videos/${id}/like`)).status, 404);
      assert.equal((await stranger.call('POST', `/api/v1/videos/${id}/comments`, { text: 'hi' })).status, 404);
    }
    const listed = await stranger.call<{ items: Video[] }>('GET', '/api/v1/users/v_author/videos');
    assert.ok(listed.body.items.every((v) => v.visibility === 'public'));
    const strangerFeed = await stranger.call<FeedPage>('GET', '/api/v1/feeds/friends');
    assert.equal(strangerFeed.body.items.length, 0);
    for (let i = 0; i < 3; i++) {
      const fy = await stranger.call<FeedPage>('GET', '/api/v1/feeds/for-you?limit=30');
      assert.ok(fy.body.items.every((x) => x.type !== 'video' || x.video.visibility === 'public'));
    }
    assert.equal((await friend.call('GET', `/api/v1/videos/${pr.body.id}`)).status, 404);
    // Only the author may change it.
    assert.equal((await friend.call('PATCH', `/api/v1/videos/${fo.body.id}`, { visibility: 'public' })).status, 403);
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
    await author.call('PUT', '/api/v1/users/v_friend/block');
    for (const which of ['stream', 'poster']) {
      const res = await t.app.http.inject({
        method: 'GET',
        url: `/api/v1/videos/${fo.body.id}/${which}`,
        headers: { cookie: friend.cookie },
      });
      assert.equal(res.statusCode, 404, `blocked ex-friend ${which}`);
    }
    await author.call('DELETE', '/api/v1/users/v_friend/block');
    await author.call('PUT', '/api/v1/users/v_friend/follow');
    await friend.call('PUT', '/api/v1/users/v_author/follow');
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
    assert.deepEqual((await friend.call('PUT', `/api/v1/videos/${id}/like`)).body, { liked: true, likes: 1 });
    assert.deepEqual((await friend.call('PUT', `/api/v1/videos/${id}/like`)).body, { liked: true, likes: 1 });
    assert.deepEqual((await stranger.call('PUT', `/api/v1/videos/${id}/like`)).body, { liked: true, likes: 2 });
    assert.deepEqual((await stranger.call('DELETE', `/api/v1/videos/${id}/like`)).body, { liked: false, likes: 1 });
    const seenByAuthor = await author.call<Video>('GET', `/api/v1/videos/${id}`);
    assert.deepEqual(
      seenByAuthor.body.likedByFriends.map((u) => u.handle),
      ['v_friend'],
    );
    const c = await stranger.call<{ id: string }>('POST', `/api/v1/videos/${id}/comments`, { text: 'nice!' });
    assert.equal(c.status, 201);
    const reply = await author.call<{ id: string; parentId: string }>('POST', `/api/v1/videos/${id}/comments`, {
      text: 'thanks',
      parentId: c.body.id,
    });
    const deeper = await friend.call<{ parentId: string }>('POST', `/api/v1/videos/${id}/comments`, {
      text: 'agreed',
      parentId: reply.body.id,
    });
    assert.equal(deeper.body.parentId, c.body.id, 'a reply to a reply stays one level deep');
    const top = await friend.call<{ items: { id: string; replies: number }[] }>('GET', `/api/v1/videos/${id}/comments`);
    assert.deepEqual(
      top.body.items.map((x) => x.replies),
      [2],
    );
    const replies = await friend.call<{ items: { text: string }[] }>('GET', `/api/v1/videos/${id}/comments?parentId=${c.body.id}`);
    assert.deepEqual(
      replies.body.items.map((x) => x.text),
      ['thanks', 'agreed'],
    );
    assert.equal((await friend.call('POST', `/api/v1/videos/${id}/comments`, { text: '' })).status, 400);
    assert.equal(
      (await friend.call('POST', `/api/v1/videos/${id}/comments`, { text: 'x', parentId: '00000000-0000-7000-8000-000000000000' })).status,
      400,
    );
    assert.equal((await friend.call('POST', `/api/v1/videos/${id}/watch`, { watchedMs: 400 })).status, 200);
    assert.equal((await friend.call('POST', `/api/v1/videos/${id}/watch`, { watchedMs: 900, completed: true })).status, 200);
    assert.equal((await friend.call('POST', `/api/v1/videos/${id}/watch`, { watchedMs: 900, completed: true })).status, 200);
    assert.equal((await author.call<Video>('GET', `/api/v1/videos/${id}`)).body.views, 1, 'progress reports of one person are one view');
    assert.equal((await friend.call('POST', `/api/v1/videos/${id}/watch`, { watchedMs: -1 })).status, 400);
  });
});
