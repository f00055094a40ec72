import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '@tremolo/protocol';
import { EARLY_SLOT, earlyLang, earlyRequestUrls, firstPoster } from '../early.ts';
import { urlOf } from './client.ts';
import { EARLY_KEY, FOR_YOU_PAGE } from './early-url.ts';
import { pickLang } from './i18n.tsx';

test('index.html’s early request is the very URL the landing screen then asks for', () => {
  assert.equal(EARLY_SLOT, EARLY_KEY);
  const session = urlOf(api.accounts.session);
  assert.deepEqual(earlyRequestUrls('/'), [session, urlOf(api.feeds.forYou, { query: { limit: FOR_YOU_PAGE } })]);
  const id = '01a2372b-e2a6-7ee9-ab7d-9585b1e28d5e';
  assert.deepEqual(earlyRequestUrls(`/v/${id}`), [session, urlOf(api.videos.get, { params: { id } })]);
  assert.deepEqual(earlyRequestUrls(`/v/${id}/`), [session, urlOf(api.videos.get, { params: { id } })]);
  for (const other of ['/me', '/v', '/v/a/b', '/u/someone', '/login']) assert.deepEqual(earlyRequestUrls(other), [session], other);
});

test('early.ts fetches the strings of the language the app then picks', () => {
  const prefs = [[], ['en-US'], ['zh-TW', 'en'], ['fr-FR', 'zh-CN'], ['fr'], ['EN-gb', 'zh']];
  for (const saved of [null, 'en', 'zh-CN', 'fr', '']) {
    for (const p of prefs) assert.equal(earlyLang(saved, p), pickLang(saved, p), `${saved} ${p.join()}`);
  }
  assert.equal(pickLang(null, ['zh-HK']), 'zh-CN');
  assert.equal(pickLang('en', ['zh-CN']), 'en');
});

test('early.ts preloads the first For You slide’s poster only when that slide is a video with one', () => {
  const video = (posterUrl: string | null) => ({ type: 'video', video: { posterUrl } });
  assert.equal(firstPoster({ items: [video('/media/p.jpg'), video('/media/q.jpg')] }), '/media/p.jpg');
  assert.equal(firstPoster({ items: [video('https://cdn.example/p.jpg')] }), 'https://cdn.example/p.jpg');
  assert.equal(firstPoster({ items: [{ type: 'product', product: {} }, video('/media/q.jpg')] }), null);
  assert.equal(firstPoster({ items: [video(null)] }), null);
  assert.equal(firstPoster({ items: [video('javascript:alert(1)')] }), null);
  assert.equal(firstPoster({ items: [] }), null);
  assert.equal(firstPoster(null), null);
  assert.equal(firstPoster({ error: { code: 'internal' } }), null);
});
