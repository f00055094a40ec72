import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

import { CHROMIUM, CHROMIUM_ARGS } from '../../server/src/test/chromium.ts';

export { CHROMIUM, CHROMIUM_ARGS, MEDIA_ARGS } from '../../server/src/test/chromium.ts';

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}; apt-get install -y chromium`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export const MOBILE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 800 } as const;

export interface Person {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors in the page. */
  errors: string[];
  /** Every text frame the page received on its WebSockets, in order. */
  wsFrames: string[];
}

/** A person's own browser profile: separate cookies, storage and language. */
export async function newPerson(
  browser: Browser,
  baseURL: string,
  opts: { locale?: string; viewport?: { width: number; height: number }; deviceScaleFactor?: number } = {},
): Promise<Person> {
  const context = await browser.newContext({
    baseURL,
    locale: opts.locale ?? 'en-US',
    viewport: opts.viewport ?? MOBILE,
    deviceScaleFactor: opts.deviceScaleFactor ?? 1,
    acceptDownloads: true,
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  // Uncaught page errors fail the story: the person would see a broken screen.
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // So does anything the Content-Security-Policy blocked: the feature behind it would not work.
  page.on('console', (m) => {
    if (m.type() === 'error' && m.text().includes('Content Security Policy')) errors.push(m.text());
  });
  const wsFrames: string[] = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => typeof f.payload === 'string' && wsFrames.push(f.payload)));
  return { context, page, errors, wsFrames };
}
