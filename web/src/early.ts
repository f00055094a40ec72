/**
 * The first script index.html runs: a few hundred bytes that arrive long before the app's
 * scripts, and ask at once for the data the landing screen shows first (the session check, and
 * For You's first page or the video of a shared link), so on a phone network that answer is not one more round trip
 * after the scripts. The app's request for the same URL takes this response (`takeEarly` in
 * lib/api.ts), once. It is its own build entry and imports nothing, so it stays one tiny file;
 * `lib/early-url.test.ts` checks it asks for exactly what the app's client would.
 */

export const EARLY_SLOT = '__tremoloEarly';

/** The GETs the landing screen makes first: the session check, then For You's first page or a shared video. */
export function earlyRequestUrls(pathname: string): string[] {
  const session = '/api/v1/auth/session';
  if (pathname === '/') return [session, '/api/v1/feeds/for-you?limit=6'];
  const shared = /^\/v\/([^/]+)\/?$/.exec(pathname);
  return shared?.[1] ? [session, `/api/v1/videos/${shared[1]}`] : [session];
}

/** lib/i18n.tsx's `pickLang`, repeated here so this file imports nothing (a test checks they agree). */
export function earlyLang(saved: string | null, prefs: readonly string[]): 'en' | 'zh-CN' {
  if (saved === 'en' || saved === 'zh-CN') return saved;
  for (const p of prefs) {
    const l = p.toLowerCase();
    if (l.startsWith('zh')) return 'zh-CN';
    if (l.startsWith('en')) return 'en';
  }
  return 'en';
}

/** The poster the first For You slide shows (its LCP), if the first item is a video with one. */
export function firstPoster(page: unknown): string | null {
  const first = (page as { items?: { type?: unknown; video?: { posterUrl?: unknown } }[] } | null)?.items?.[0];
  const url = first?.type === 'video' ? first.video?.posterUrl : null;
  return typeof url === 'string' && /^(\/|https?:\/\/)/.test(url) ? url : null;
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

  const started: Record<string, Promise<Response>> = {};
  for (const url of earlyRequestUrls(location.pathname)) {
    const response = fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    // A failure is the app's to handle: its own request then asks again.
    response.catch(() => undefined);
    started[url] = response;
  }
  (globalThis as unknown as Record<string, unknown>)[EARLY_SLOT] = started;

  // The first slide's poster is the page's largest paint: ask for it as soon as the feed says which
  // it is, not once the app has rendered the slide (the app's own preload of it then finds it on its way).
  const feed = location.pathname === '/' ? Object.values(started)[1] : undefined;
  feed
    ?.then((r) => (r.ok ? r.clone().json() : null))
    .then((page: unknown) => {
      const poster = firstPoster(page);
      if (poster) addPreload({ rel: 'preload', as: 'image', href: poster, fetchpriority: 'high' });
    })
    .catch(() => undefined);
}
