import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
import { apiSignup, type ApiPerson } from './api.ts';
import { CHROMIUM, CHROMIUM_ARGS, MEDIA_ARGS, newPerson, type Person } from './browser.ts';
import { startServer, type RunningServer } from './server.ts';
import { eventually } from './people.ts';

/** Audio and video bytes (and video frames) received so far, per publisher. */
export type Received = Record<string, { audioBytes: number; videoBytes: number; framesDecoded: number }>;

declare global {
  interface Window {
    /** Set by the room page (test build): its media connections. */
    __room?: { subscriber: { stats(): Promise<Received> } | null; publisher: object | null };
    /** Test-only: the page's WebSockets, and a switch that makes new ones fail (a dead link). */
    __ws?: { block: boolean; sockets: WebSocket[] };
  }
}

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

/** Someone in a room story: signed up through the API, with a browser context signed in as them. */
export interface Member {
  handle: string;
  name: string;
  api: ApiPerson;
  person: Person;
  id: string;
}

export async function member(
  browser: Browser,
  base: string,
  handle: string,
  name: string,
  opts: { locale?: string; viewport?: { width: number; height: number } } = {},
): Promise<Member> {
  const api = await apiSignup(base, handle, name);
  const person = await signedInAs(browser, base, api, opts);
  const session = (await apiCall(base, api, 'GET', '/api/v1/auth/session')) as { user: { id: string } };
  return { handle, name, api, person, id: session.user.id };
}

export const tiles = (page: Page) => page.getByTestId('room-tile');
export const tileOf = (page: Page, handle: string) => page.locator(`[data-testid="room-tile"][data-handle="${handle}"]`);

/** The page shows exactly `n` people on stage. */
export async function stageCount(page: Page, n: number, timeoutMs = 15_000): Promise<void> {
  await eventually(async () => {
    const count = await tiles(page).count();
    if (count !== n) assert.fail(`${page.url()} shows ${count} tiles, not ${n}: ${(await page.locator('main').innerText()).slice(0, 300)}`);
  }, timeoutMs);
}

/** Every tile named shows a picture whose decoded frame count keeps rising. */
export async function decodesAll(page: Page, handles: string[], timeoutMs = 25_000): Promise<void> {
  const read = () =>
    page.evaluate((hs) => {
      const out: Record<string, { width: number; frames: number }> = {};
      for (const h of hs) {
        const v = document.querySelector<HTMLVideoElement>(`[data-testid="room-tile"][data-handle="${h}"] video`);
        out[h] = v ? { width: v.videoWidth, frames: v.getVideoPlaybackQuality().totalVideoFrames } : { width: 0, frames: 0 };
      }
      return out;
    }, handles);
  const first = await eventually(async () => {
    const s = await read();
    for (const h of handles) assert.ok(s[h]!.width > 0, `${h}'s video has no picture yet on ${page.url()}`);
    return s;
  }, timeoutMs);
  await eventually(async () => {
    const s = await read();
    for (const h of handles) assert.ok(s[h]!.frames > first[h]!.frames, `${h}'s frames stuck at ${s[h]!.frames}`);
  }, 8_000);
}

/** An init script: lets the test cut a page's realtime link and keep it down (HTTP and WebRTC stay up). */
export function cuttableSockets(): void {
  const Native = window.WebSocket;
  const ws = { block: false, sockets: [] as WebSocket[] };
  window.__ws = ws;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(ws.block ? String(url).replace('/ws?', '/ws-down?') : url, protocols);
      ws.sockets.push(this);
    }
  };
}

/** Audio and video bytes received per publisher on the page's receive connection. */
export async function received(page: Page): Promise<Received> {
  return page.evaluate(async () => (window.__room?.subscriber ? window.__room.subscriber.stats() : {}));
}

/** The picture the broadcast stories compose: small, so a 2-core machine encodes it in real time. */
export const BROADCAST_PICTURE = { width: 360, height: 480 };

/** A server with the broadcast on (the whole audience on it) and a Chromium with fake media, started together. */
export function broadcastServerAndBrowser(videoKbps: number): Promise<[RunningServer, Browser]> {
  return Promise.all([
    startServer({
      broadcast: true,
      env: {
        BROADCAST_SIZE: `${BROADCAST_PICTURE.width}x${BROADCAST_PICTURE.height}`,
        BROADCAST_FPS: '15',
        BROADCAST_VIDEO_KBPS: String(videoKbps),
        JOBS_POLL_MS: '500',
      },
    }),
    chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...MEDIA_ARGS] }),
  ]);
}
