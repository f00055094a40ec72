import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { api } from '@tremolo/protocol';
import { FOR_YOU_FIRST_PAGE, type LandingAnswer, landingPoster, landingStream } from '@tremolo/protocol/landing';
import { startTestApp, TestUser, type TestApp } from '../../test/harness.ts';
import { sampleVideo } from '../videos/fixtures.ts';

let t: TestApp;
let dist: string;
let host: TestUser;
let stranger: TestUser;
let publicVideo: string;
let privateVideo: string;
let friendsVideo: string;

const INDEX = '<!doctype html><html><head><meta charset="UTF-8" /><title>Tremolo</title></head><body><div id="root"></div></body></html>';

async function uploadVideo(who: TestUser, visibility: string, caption: string): Promise<string> {
  return (await who.uploadVideo(await readFile(await sampleVideo('previews', { seconds: 2 })), { visibility, caption })).id;
}

/** A crawler: no cookie, a user agent, maybe a language. */
async function crawl(url: string, lang?: string) {
  const res = await t.app.http.inject({
    method: 'GET',
    url,
    headers: { 'user-agent': 'facebookexternalhit/1.1', host: 'tremolo.test', ...(lang ? { 'accept-language': lang } : {}) },
  });
  return { status: res.statusCode, html: res.body, type: String(res.headers['content-type']) };
}

const metaOf = (html: string, key: string) => new RegExp(`<meta (?:property|name)="${key}" content="([^"]*)"`).exec(html)?.[1] ?? null;

before(async () => {
  dist = await mkdtemp(path.join(os.tmpdir(), 'tremolo-previews-'));
  await writeFile(path.join(dist, 'index.html'), INDEX);
  t = await startTestApp({ webDistDir: dist });
  host = await TestUser.signup(t, 'pv_host');
  stranger = await TestUser.signup(t, 'pv_stranger');
  publicVideo = await uploadVideo(host, 'public', 'Dumplings <by> hand');
  privateVideo = await uploadVideo(host, 'private', 'My secret diary');
  friendsVideo = await uploadVideo(host, 'friends', 'Friends only picnic');
  await t.app.services.videos.idle();
});
after(async () => {
  await t.close();
  await rm(dist, { recursive: true, force: true });
});

describe('link previews in the HTML of shared pages', () => {
  test('a public video gives a crawler its caption, author and an absolute poster URL', async () => {
    const r = await crawl(`/v/${publicVideo}`);
    assert.equal(r.status, 200);
    assert.match(r.type, /text\/html/);
    assert.equal(metaOf(r.html, 'og:title'), 'Dumplings &#60;by&#62; hand');
    assert.equal(metaOf(r.html, 'og:image'), `http://tremolo.test/api/v1/videos/${publicVideo}/poster`);
    assert.equal(metaOf(r.html, 'twitter:card'), 'summary_large_image');
    assert.equal(metaOf(r.html, 'og:url'), `http://tremolo.test/v/${publicVideo}`);
    assert.ok(r.html.includes('<div id="root"></div>'), 'still the app');
    // The poster it names is one a crawler may fetch.
    const poster = await t.app.http.inject({ method: 'GET', url: `/api/v1/videos/${publicVideo}/poster` });
    assert.equal(poster.statusCode, 200);
  });

  test('a private or friends-only video gives a crawler no title and no poster', async () => {
    for (const id of [privateVideo, friendsVideo]) {
      const r = await crawl(`/v/${id}`);
      assert.equal(r.status, 200);
      assert.equal(metaOf(r.html, 'og:title'), null);
      assert.equal(metaOf(r.html, 'og:image'), null);
      assert.ok(!r.html.includes('secret') && !r.html.includes('picnic'));
      assert.ok(r.html.includes('<title>Tremolo</title>'));
    }
  });

  test('a card, a product-less path and an unknown id', async () => {
    const card = await crawl('/u/pv_host', 'zh-CN,zh;q=0.9');
    assert.match(metaOf(card.html, 'og:title') ?? '', /pv_host/);
    assert.equal(metaOf(card.html, 'og:type'), 'profile');
    assert.equal(metaOf(card.html, 'og:locale'), 'zh_CN');
    const unknown = await crawl('/v/00000000-0000-7000-8000-000000000000');
    assert.equal(unknown.status, 200);
    assert.equal(metaOf(unknown.html, 'og:title'), null);
  });

  test('a party on a public video: host and poster; on a friends-only video: nothing', async () => {
    const open = await host.invoke(api.watch.create, { body: { videoIds: [publicVideo] } });
    const r = await crawl(`/w/${open.body.id}`);
    assert.match(metaOf(r.html, 'og:title') ?? '', /pv_host|Watch together/);
    assert.equal(metaOf(r.html, 'og:image'), `http://tremolo.test/api/v1/videos/${publicVideo}/poster`);
    const closed = await host.invoke(api.watch.create, { body: { videoIds: [friendsVideo] } });
    const c = await crawl(`/watch/${closed.body.id}`);
    assert.equal(metaOf(c.html, 'og:image'), null);
    assert.ok(!c.html.includes('picnic'));
  });
});

describe('public previews of party and room links', () => {
  test('a visitor sees who hosts a party and what plays; not a party on a friends-only video', async () => {
    const open = await host.invoke(api.watch.create, { body: { videoIds: [publicVideo] } });
    const res = await t.app.http.inject({ method: 'GET', url: `/api/v1/watch/${open.body.id}/preview` });
    assert.equal(res.statusCode, 200, res.body);
    const p = JSON.parse(res.body) as { host: { handle: string }; video: { id: string; caption: string }; watching: number; link: string };
    assert.equal(p.host.handle, 'pv_host');
    assert.equal(p.video.id, publicVideo);
    assert.equal(p.watching, 1);
    assert.equal(p.link, `/w/${open.body.id}`);

    const closed = await host.invoke(api.watch.create, { body: { videoIds: [friendsVideo] } });
    const anon = await t.app.http.inject({ method: 'GET', url: `/api/v1/watch/${closed.body.id}/preview` });
    assert.equal(anon.statusCode, 404);
    assert.equal((JSON.parse(anon.body) as { error: { code: string } }).error.code, 'not_found');
    const notFriend = await stranger.invoke(api.watch.preview, { params: { id: closed.body.id } });
    assert.equal(notFriend.status, 404);
  });

  test('a visitor sees a public room; a friends room stays hidden from visitors and strangers', async () => {
    const pub = await host.invoke(api.rooms.create, { body: { title: 'Late night noodles', audience: 'public' } });
    assert.equal(pub.status, 201, JSON.stringify(pub.body));
    const res = await t.app.http.inject({ method: 'GET', url: `/api/v1/rooms/${pub.body.id}/preview` });
    assert.equal(res.statusCode, 200, res.body);
    const r = JSON.parse(res.body) as { title: string; host: { handle: string }; status: string };
    assert.equal(r.title, 'Late night noodles');
    assert.equal(r.host.handle, 'pv_host');
    assert.equal(r.status, 'live');
    const html = await crawl(`/r/${pub.body.id}`);
    assert.equal(metaOf(html.html, 'og:title'), 'Late night noodles');
    await host.invoke(api.rooms.end, { params: { id: pub.body.id } });

    const priv = await host.invoke(api.rooms.create, { body: { title: 'Only my friends', audience: 'friends' } });
    const anon = await t.app.http.inject({ method: 'GET', url: `/api/v1/rooms/${priv.body.id}/preview` });
    assert.equal(anon.statusCode, 404);
    assert.equal((await stranger.invoke(api.rooms.preview, { params: { id: priv.body.id } })).status, 404);
    assert.equal((await host.invoke(api.rooms.preview, { params: { id: priv.body.id } })).status, 200);
    const crawled = await crawl(`/r/${priv.body.id}`);
    assert.ok(!crawled.html.includes('Only my friends'));
    await host.invoke(api.rooms.end, { params: { id: priv.body.id } });
  });
});

describe('the landing pages carry their first answers', () => {
  /** The page as a browser of `who` (or a visitor) gets it, and the answers in its JSON block. */
  async function land(url: string, who?: TestUser, method: 'GET' | 'HEAD' = 'GET') {
    const res = await t.app.http.inject({ method, url, headers: { host: 'tremolo.test', ...(who ? { cookie: who.cookie } : {}) } });
    const block = /<script type="application\/json" id="tremolo-first">(.*?)<\/script>/s.exec(res.body)?.[1];
    const answers = block ? (JSON.parse(block) as Record<string, LandingAnswer>) : null;
    return { res, answers };
  }

  test('For You: the person’s session and first page inside the HTML, the first poster preloaded, kept private', async () => {
    const fan = await TestUser.signup(t, 'pv_fan');
    const { res, answers } = await land('/', fan);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'private, no-store');
    assert.ok(answers, 'the JSON block');
    const session = answers['/api/v1/auth/session'];
    assert.equal(session?.status, 200);
    assert.match(session.body, new RegExp(fan.id));
    const feed = answers[`/api/v1/feeds/for-you?limit=${FOR_YOU_FIRST_PAGE}`];
    assert.equal(feed?.status, 200);
    const items = (JSON.parse(feed.body) as { items: { type: string; video?: { id: string; posterUrl: string | null } }[] }).items;
    assert.ok(
      items.some((i) => i.video?.id === publicVideo),
      'the public video is on the first page',
    );
    const first = landingPoster(JSON.parse(feed.body));
    assert.equal(
      res.body.includes(`<link rel="preload" as="image" href="${first}" fetchpriority="high">`),
      first !== null,
      'its poster preloaded',
    );
    // The first clip itself starts loading from the HTML, in the element the app's first slide takes over.
    const stream = landingStream(JSON.parse(feed.body));
    const video = /<video id="tremolo-first-video"[^>]*><\/video>/.exec(res.body)?.[0];
    assert.equal(video !== undefined, stream !== null, 'the first video in the page when it has a stream');
    if (video) {
      assert.ok(video.includes(` src="${stream}"`), video);
      assert.match(video, / muted autoplay playsinline preload="auto"/);
      assert.ok(first === null || video.includes(` poster="${first}"`), video);
    }
    // The head says the answers are coming; they end the body.
    assert.ok(res.body.includes('<meta name="tremolo:landing" content="streamed">'));
    assert.ok(res.body.indexOf('id="tremolo-first"') > res.body.indexOf('<div id="root">'));
    // A HEAD (and so any cache's probe) gets the shared shell.
    assert.equal((await land('/', fan, 'HEAD')).answers, null);
  });

  test('a shared video: its author gets it, a stranger the API’s refusal; a caption cannot end the block', async () => {
    const mine = await land(`/v/${privateVideo}`, host);
    assert.equal(mine.answers?.[`/api/v1/videos/${privateVideo}`]?.status, 200);
    assert.match(mine.res.body, new RegExp(`<link rel="preload" as="image" href="/api/v1/videos/${privateVideo}/poster`));
    assert.match(
      mine.res.body,
      new RegExp(`<video id="tremolo-first-video" class="landing-video" src="/api/v1/videos/${privateVideo}/stream"`),
    );
    const theirs = await land(`/v/${privateVideo}`, stranger);
    assert.equal(theirs.answers?.[`/api/v1/videos/${privateVideo}`]?.status, 404);
    assert.ok(!theirs.res.body.includes('secret'), 'nothing of the private video');
    assert.ok(!theirs.res.body.includes('preload" as="image'), 'and no poster');
    assert.ok(!theirs.res.body.includes('<video'), 'and no video');
    const sharp = await uploadVideo(host, 'public', 'see </script><script>alert(1)</script>');
    await t.app.services.videos.idle();
    const page = await land(`/v/${sharp}`, stranger);
    assert.equal(page.answers?.[`/api/v1/videos/${sharp}`]?.status, 200, 'the block parses whole');
    assert.ok(!page.res.body.includes('<script>alert(1)'), 'the caption stays inside the JSON');
  });
});
