/**
 * The first script index.html runs: a few hundred bytes that arrive long before the app's
 * scripts, and ask at once for the data the landing screen shows first (the session check, and
 * For You's first page or the video of a shared link), so on a phone network that answer is not one more round trip
 * after the scripts. Where the server answers them in the HTML itself (a JSON block,
 * `LANDING_DATA_ID`, at the end of a page whose head says it is coming), those answers are used
 * and nothing is fetched. The app's request for the
 * same URL takes this response (`takeEarly` in lib/api.ts), once. It is its own build entry and
 * imports nothing, so it stays one tiny file; `lib/early-url.test.ts` checks it asks for exactly
 * what the app's client would.
 */
// This file imports nothing (an import would be one more file to fetch, a round trip on a phone,
// before it can start): what it shares with `@tremolo/protocol/landing`, where the server reads
// the same list, is repeated here, and `lib/early-url.test.ts` checks the two agree.

/** `LANDING_DATA_ID` and `LANDING_STREAMED_META` of `@tremolo/protocol/landing`. */
export const EARLY_DATA_ID = 'tremolo-first';
export const EARLY_STREAMED_META = 'tremolo:landing';
/** `LANDING_VIDEO_ID` of `@tremolo/protocol/landing`. */
export const EARLY_VIDEO_ID = 'tremolo-first-video';

/** `landingRequests` of `@tremolo/protocol/landing`: the GETs the landing screen makes first. */
export function earlyRequestUrls(pathname: string): string[] {
  const session = '/api/v1/auth/session';
  if (pathname === '/') return [session, '/api/v1/feeds/for-you?limit=6'];
  const shared = /^\/v\/([^/]+)\/?$/.exec(pathname);
  return shared?.[1] ? [session, `/api/v1/videos/${shared[1]}`] : [session];
}

/** `landingPoster` of `@tremolo/protocol/landing`: the poster of the video shown first. */
export function firstPoster(body: unknown): string | null {
  const b = body as { items?: { type?: unknown; video?: { posterUrl?: unknown } }[]; posterUrl?: unknown } | null;
  const first = b?.items?.[0];
  const url = b && 'items' in b ? (first?.type === 'video' ? first.video?.posterUrl : null) : b?.posterUrl;
  return typeof url === 'string' && /^(\/|https?:\/\/)/.test(url) ? url : null;
}

interface Answer {
  status: number;
  body: string;
}

export const EARLY_SLOT = '__tremoloEarly';

/** lib/i18n.tsx's `pickLang`, repeated here (a test checks they agree). */
export function earlyLang(saved: string | null, prefs: readonly string[]): 'en' | 'zh-CN' {
  if (saved === 'en' || saved === 'zh-CN') return saved;
  for (const p of prefs) {
    const l = p.toLowerCase();
    if (l.startsWith('zh')) return 'zh-CN';
    if (l.startsWith('en')) return 'en';
  }
  return 'en';
}

function addPreload(attrs: Record<string, string>): void {
  const link = document.createElement('link');
  for (const [name, value] of Object.entries(attrs)) link.setAttribute(name, value);
  document.head.append(link);
}

if (typeof location !== 'undefined') {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem('tremolo.lang');
  } catch {
    // Storage refused: the browser's languages decide, as in the app.
  }
  const lang = earlyLang(saved, navigator.languages.length ? navigator.languages : [navigator.language]);
  // The build names each language's strings chunk in a meta tag (vite.config.ts); only this page's language is fetched.
  const strings = document.querySelector<HTMLMetaElement>(`meta[name="tremolo:strings:${lang}"]`)?.content;
  if (strings) addPreload({ rel: 'modulepreload', href: strings });

  const answered = landingAnswers();
  // The first video in the page (see first-screen.ts) starts by itself only once the browser
  // thinks it can play through; asked to play, it starts as soon as it has the next frames.
  void answered.then(() => {
    const video = document.getElementById(EARLY_VIDEO_ID);
    if (video instanceof HTMLVideoElement) video.play().catch(() => undefined);
  });
  const started: Record<string, Promise<Response>> = {};
  for (const url of earlyRequestUrls(location.pathname)) {
    const response = answered.then((a) => {
      const known = a[url];
      return known
        ? new Response(known.body, { status: known.status, headers: { 'content-type': 'application/json' } })
        : fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    });
    // A failure is the app's to handle: its own request then asks again.
    response.catch(() => undefined);
    started[url] = response;
  }
  (globalThis as unknown as Record<string, unknown>)[EARLY_SLOT] = started;

  // The first video's poster is the page's largest paint: ask for it as soon as the answer says
  // which it is, not once the app has rendered the slide (the server's own preload, when it
  // answered in the HTML, makes this one a no-op).
  const first = Object.values(started)[1];
  first
    ?.then((r) => (r.ok ? r.clone().json() : null))
    .then((body: unknown) => {
      const poster = firstPoster(body);
      if (poster) addPreload({ rel: 'preload', as: 'image', href: poster, fetchpriority: 'high' });
    })
    .catch(() => undefined);
}

/**
 * The answers the server puts in the HTML, by URL: at once if the page says none are coming or
 * it is parsed already, else when its parsing ends (before the app's scripts run). None when the
 * server sent none (it was late, or the page came from the service worker's cache).
 */
function landingAnswers(): Promise<Record<string, Answer | undefined>> {
  const read = (): Record<string, Answer | undefined> => {
    try {
      const text = document.getElementById(EARLY_DATA_ID)?.textContent;
      return text ? (JSON.parse(text) as Record<string, Answer | undefined>) : {};
    } catch {
      return {};
    }
  };
  const coming = document.querySelector(`meta[name="${EARLY_STREAMED_META}"]`) !== null;
  if (!coming || document.readyState !== 'loading') return Promise.resolve(read());
  return new Promise((resolve) => {
    document.addEventListener('readystatechange', () => resolve(read()), { once: true });
  });
}
