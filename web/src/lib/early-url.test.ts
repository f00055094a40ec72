import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as api from '@tremolo/protocol/api';
import {
  FOR_YOU_FIRST_PAGE,
  LANDING_DATA_ID,
  LANDING_STREAMED_META,
  LANDING_VIDEO_ID,
  landingPoster,
  landingRequests,
  landingStream,
} from '@tremolo/protocol/landing';
import { EARLY_DATA_ID, EARLY_SLOT, EARLY_STREAMED_META, EARLY_VIDEO_ID, earlyLang, earlyRequestUrls, firstPoster } from '../early.ts';
import { urlOf } from './client.ts';
import { EARLY_KEY, FOR_YOU_PAGE } from './early-url.ts';
import { pickLang } from './i18n.tsx';

test('early.ts’s copy of the landing list is the one the server answers in the HTML', () => {
  assert.equal(EARLY_DATA_ID, LANDING_DATA_ID);
  assert.equal(EARLY_STREAMED_META, LANDING_STREAMED_META);
  assert.equal(EARLY_VIDEO_ID, LANDING_VIDEO_ID);
  assert.equal(FOR_YOU_PAGE, FOR_YOU_FIRST_PAGE);
  for (const p of ['/', '/v/01a2372b-e2a6-7ee9-ab7d-9585b1e28d5e', '/v/x/', '/v', '/me', '/u/a', '/login'])
    assert.deepEqual(earlyRequestUrls(p), landingRequests(p), p);
  const video = (posterUrl: string | null) => ({ type: 'video', video: { posterUrl } });
  for (const body of [{ items: [video('/a.jpg')] }, { items: [video(null)] }, { items: [] }, { posterUrl: '/b.jpg' }, null, { error: {} }])
    assert.equal(firstPoster(body), landingPoster(body), JSON.stringify(body));
});

test('index.html’s early request is the very URL the landing screen then asks for', () => {
  assert.equal(EARLY_SLOT, EARLY_KEY);
  const session = urlOf(api.accounts.session);
  assert.deepEqual(landingRequests('/'), [session, urlOf(api.feeds.forYou, { query: { limit: FOR_YOU_PAGE } })]);
  const id = '01a2372b-e2a6-7ee9-ab7d-9585b1e28d5e';
  assert.deepEqual(landingRequests(`/v/${id}`), [session, urlOf(api.videos.get, { params: { id } })]);
  assert.deepEqual(landingRequests(`/v/${id}/`), [session, urlOf(api.videos.get, { params: { id } })]);
  for (const other of ['/me', '/v', '/v/a/b', '/u/someone', '/login']) assert.deepEqual(landingRequests(other), [session], other);
});

test('early.ts fetches the strings of the language the app then picks', () => {
  const prefs = [[], ['en-US'], ['zh-TW', 'en'], ['fr-FR', 'zh-CN'], ['fr'], ['EN-gb', 'zh']];
  for (const saved of [null, 'en', 'zh-CN', 'fr', '']) {
    for (const p of prefs) assert.equal(earlyLang(saved, p), pickLang(saved, p), `${saved} ${p.join()}`);
  }
  assert.equal(pickLang(null, ['zh-HK']), 'zh-CN');
  assert.equal(pickLang('en', ['zh-CN']), 'en');
});

test('the first poster is For You’s first slide when it is a video with one, or the shared video’s', () => {
  const video = (posterUrl: string | null) => ({ type: 'video', video: { posterUrl } });
  assert.equal(landingPoster({ items: [video('/media/p.jpg'), video('/media/q.jpg')] }), '/media/p.jpg');
  assert.equal(landingPoster({ items: [video('https://cdn.example/p.jpg')] }), 'https://cdn.example/p.jpg');
  assert.equal(landingPoster({ items: [{ type: 'product', product: {} }, video('/media/q.jpg')] }), null);
  assert.equal(landingPoster({ items: [video(null)] }), null);
  assert.equal(landingPoster({ items: [video('javascript:alert(1)')] }), null);
  assert.equal(landingPoster({ items: [] }), null);
  assert.equal(landingPoster(null), null);
  assert.equal(landingPoster({ error: { code: 'internal' } }), null);
  // A shared link's answer is the video itself.
  assert.equal(landingPoster({ id: 'v', posterUrl: '/api/v1/videos/v/poster' }), '/api/v1/videos/v/poster');
  assert.equal(landingPoster({ id: 'v', posterUrl: null }), null);
});

test('the first stream is the same slide’s: For You’s first item when it is a video, or the shared video', () => {
  const video = (streamUrl: string | null) => ({ type: 'video', video: { posterUrl: '/p.jpg', streamUrl } });
  assert.equal(landingStream({ items: [video('/api/v1/videos/a/stream'), video('/api/v1/videos/b/stream')] }), '/api/v1/videos/a/stream');
  assert.equal(landingStream({ items: [{ type: 'product', product: {} }, video('/api/v1/videos/b/stream')] }), null);
  assert.equal(landingStream({ items: [video(null)] }), null, 'still processing');
  assert.equal(landingStream({ items: [video('javascript:alert(1)')] }), null);
  assert.equal(landingStream(null), null);
  assert.equal(landingStream({ id: 'v', streamUrl: '/api/v1/videos/v/stream' }), '/api/v1/videos/v/stream');
});
