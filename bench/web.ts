/**
 * `npm run bench:web`: the first load on a phone. The real server (production build of the web
 * app in `web/dist`, built first unless `--no-build`, so the figures are of the checkout's code; embedded PGlite in a temporary directory; demo
 * content) and headless Chromium under Lighthouse's "Slow 4G" network (562.5 ms RTT,
 * 1.6 Mbps × 0.9 down, 750 Kbps × 0.9 up, via the DevTools Protocol). No CPU throttling: the
 * machine's two cores are already shared, and a rate of 4 on top made runs too noisy to compare.
 *
 * Each run is a cold visit: a new browser context with the HTTP cache disabled. Per visit:
 * - FCP and LCP from the page's own PerformanceObserver (ms after navigation start);
 * - first video frame: the first frame any <video> presents (requestVideoFrameCallback after
 *   its `playing` event), ms after navigation start.
 * Visits: For You (`/`) and a shared video link (`/v/<id>`), `--runs` each (default 5).
 * First-load JS: the gzip size (level 9, what a gzip-only browser would get) of every script
 * the For You visit downloads.
 *
 * Server on core 0 and Chromium on core 1 when `taskset` exists. Ends with one JSON line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { startServerProcess } from '../server/src/test/processes.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../server/src/test/chromium.ts';
import { canPin, pinProcess, root, sleep } from './support/processes.ts';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, 'no-build': { type: 'boolean', default: false } },
});
const RUNS = Number(args.runs);
const dist = path.join(root, 'web', 'dist');
// Lighthouse's "Slow 4G" (its simulated mobile throttling), applied by DevTools' request-level emulation.
const SLOW_4G = {
  offline: false,
  latency: 150 * 3.75,
  downloadThroughput: (1.6 * 1024 * 1024 * 0.9) / 8,
  uploadThroughput: (750 * 1024 * 0.9) / 8,
};
const VISIT_TIMEOUT_MS = 45_000;

const log = (s: string) => console.log(s);
const pin = canPin();

interface Marks {
  fcp: number | null;
  lcp: number | null;
  frame: number | null;
}

/** Runs in the page before its own scripts: records paints and the first presented video frame. */
function observe() {
  const w = window as unknown as { __marks: { fcp: number | null; lcp: number | null; frame: number | null } };
  w.__marks = { fcp: null, lcp: null, frame: null };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') w.__marks.fcp = e.startTime;
  }).observe({ type: 'paint', buffered: true });
  new PerformanceObserver((list) => {
    const entries = list.getEntries();
    const last = entries[entries.length - 1];
    if (last) w.__marks.lcp = last.startTime;
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  // Media events do not bubble: listen in the capture phase on the document.
  document.addEventListener(
    'playing',
    (e) => {
      const v = e.target;
      if (!(v instanceof HTMLVideoElement) || w.__marks.frame !== null) return;
      v.requestVideoFrameCallback((now) => {
        if (w.__marks.frame === null) w.__marks.frame = now;
      });
    },
    true,
  );
}

async function visit(browser: Browser, url: string, collectJs: boolean): Promise<Marks & { jsGzipBytes: number; jsFiles: number }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, locale: 'en-US' });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
    await page.addInitScript(observe);
    const scripts: Promise<number>[] = [];
    if (collectJs) {
      page.on('response', (res) => {
        if (res.request().resourceType() !== 'script') return;
        scripts.push(
          res
            .body()
            .then((b) => gzipSync(b, { level: 9 }).length)
            .catch(() => 0),
        );
      });
    }
    await page.goto(url, { waitUntil: 'commit' });
    const deadline = Date.now() + VISIT_TIMEOUT_MS;
    let marks: Marks = { fcp: null, lcp: null, frame: null };
    while (Date.now() < deadline) {
      marks = await page.evaluate(() => (window as unknown as { __marks: Marks }).__marks);
      if (marks.frame !== null && marks.lcp !== null) break;
      await sleep(100);
    }
    // A larger element may still paint just after the first frame (the LCP candidate keeps changing until input).
    await sleep(1000);
    marks = await page.evaluate(() => (window as unknown as { __marks: Marks }).__marks);
    const sizes = await Promise.all(scripts);
    return { ...marks, jsGzipBytes: sizes.reduce((a, b) => a + b, 0), jsFiles: sizes.length };
  } finally {
    await context.close();
  }
}

function p50(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (v.length === 0) return null;
  return Math.round(v[Math.floor((v.length - 1) / 2)]!);
}

async function main() {
  // A build left from another commit would measure that commit's JavaScript.
  if (!args['no-build'] || !existsSync(path.join(dist, 'index.html'))) {
    log('building the web app…');
    const r = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  const server = await startServerProcess({ SEED_DEMO: 'true', WEB_DIST_DIR: dist, LOG_LEVEL: 'warn' }, undefined, [], 60_000);
  if (pin) pinProcess(server.child.pid!, '0', { threads: true });
  if (pin) pinProcess(process.pid, '1');
  let browser: Browser | null = null;
  try {
    // The demo clips are made with ffmpeg after the server is listening.
    let videoId: string | null = null;
    const seedDeadline = Date.now() + 120_000;
    while (!videoId) {
      if (Date.now() > seedDeadline) throw new Error(`demo videos never appeared:\n${server.output()}`);
      const res = await fetch(`${server.url}/api/v1/feeds/for-you`);
      const body = (await res.json()) as { items: { type: string; video?: { id: string; streamUrl: string | null } }[] };
      const ready = body.items.filter((i) => i.type === 'video' && i.video?.streamUrl);
      if (ready.length >= 5) videoId = ready[0]!.video!.id;
      else await sleep(1000);
    }
    log(`server ${server.url}${pin ? ' (core 0, Chromium on core 1)' : ''}; Slow 4G; ${RUNS} cold visits per page; no CPU throttling`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'],
    });
    const home: Awaited<ReturnType<typeof visit>>[] = [];
    const shared: Awaited<ReturnType<typeof visit>>[] = [];
    for (let i = 0; i < RUNS; i++) {
      const h = await visit(browser, `${server.url}/`, i === 0);
      home.push(h);
      log(`for you   #${i + 1}: fcp ${h.fcp?.toFixed(0)} ms, lcp ${h.lcp?.toFixed(0)} ms, first frame ${h.frame?.toFixed(0)} ms`);
      const s = await visit(browser, `${server.url}/v/${videoId}`, false);
      shared.push(s);
      log(`shared    #${i + 1}: fcp ${s.fcp?.toFixed(0)} ms, lcp ${s.lcp?.toFixed(0)} ms, first frame ${s.frame?.toFixed(0)} ms`);
    }
    const js = home[0]!;
    log(`first-load JS: ${js.jsFiles} script(s), ${(js.jsGzipBytes / 1024).toFixed(1)} KB gzip`);
    log(`shared link first frame p50: ${p50(shared.map((s) => s.frame))} ms`);
    console.log(
      JSON.stringify({
        bench: 'web',
        fcpP50Ms: p50(home.map((h) => h.fcp)),
        lcpP50Ms: p50(home.map((h) => h.lcp)),
        firstFrameP50Ms: p50(home.map((h) => h.frame)),
        sharedLinkLcpP50Ms: p50(shared.map((s) => s.lcp)),
        firstLoadJsGzipKb: Math.round((js.jsGzipBytes / 1024) * 10) / 10,
      }),
    );
  } finally {
    await browser?.close();
    await server.stop();
  }
}

await main();
