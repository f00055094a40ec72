import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { ApiPerson } from './api.ts';
import { newPerson, type Person } from './browser.ts';
import { eventually } from './people.ts';

/** One API call as `who`, for the side of a story that is not on screen. */
export async function apiCall(base: string, who: ApiPerson, method: string, p: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** A browser context already signed in as someone created through the API. */
export async function signedInAs(
  browser: Browser,
  base: string,
  who: ApiPerson,
  opts: { locale?: string; viewport?: { width: number; height: number } } = {},
): Promise<Person> {
  const person = await newPerson(browser, base, opts);
  const [name = '', ...rest] = who.cookie.split('=');
  await person.context.addCookies([{ name, value: rest.join('='), url: base }]);
  return person;
}

/** Someone's tile in the room shows a picture whose decoded frames keep rising. */
export async function seesVideoOf(page: Page, handle: string, timeoutMs: number): Promise<void> {
  const frames = () =>
    page.evaluate((h) => {
      const v = document.querySelector<HTMLVideoElement>(`[data-testid="room-tile"][data-handle="${h}"] video`);
      return v && v.videoWidth > 0 ? v.getVideoPlaybackQuality().totalVideoFrames : -1;
    }, handle);
  const started = Date.now();
  const first = await eventually(async () => {
    const n = await frames();
    assert.ok(n >= 0, `${handle}'s tile has no picture on ${page.url()}`);
    return n;
  }, timeoutMs);
  // The picture seen first may be the last frame of a connection that is being replaced (after a
  // restart): the new one has what is left of the whole wait to start, and at least 8 s.
  const left = Math.max(8_000, timeoutMs - (Date.now() - started));
  await eventually(async () => assert.ok((await frames()) > first, `${handle}'s frames stuck at ${first}`), left);
}

/** The host's own tile says their video is going out. */
export async function publishes(page: Page, handle: string, timeoutMs = 20_000): Promise<void> {
  await eventually(
    async () =>
      assert.equal(await page.locator(`[data-testid="room-tile"][data-handle="${handle}"]`).getAttribute('data-publishing'), 'yes'),
    timeoutMs,
  );
}
