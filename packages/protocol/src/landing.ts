/**
 * What a landing page shows first, as the GETs the web app makes for it: the session check, and
 * For You's first page or the video of a shared link. The web app's first script (`early.ts`)
 * starts them before the app's scripts arrive, and the server answers them inside the HTML of
 * those pages (`modules/previews/first-screen.ts`), so on a phone network neither waits one more
 * round trip. Both sides read this one list. It imports nothing: early.ts must stay tiny.
 */

/** How many For You items the first page (and every page) asks for. */
export const FOR_YOU_FIRST_PAGE = 6;

/** The `id` of the `<script type="application/json">` block carrying the answers in the HTML. */
export const LANDING_DATA_ID = 'tremolo-first';

/**
 * A `<meta name>` in the head of a page whose answers follow at the end of its body: the server
 * sends the head at once (the app's scripts download meanwhile) and the answers when ready.
 */
export const LANDING_STREAMED_META = 'tremolo:landing';

/**
 * The `id` of the first video's `<video>` element the server puts at the end of a landing page:
 * it starts loading (and playing, muted) as the HTML is parsed, and the app's first slide takes
 * that very element over, so the clip is not requested a second time once the app has rendered.
 */
export const LANDING_VIDEO_ID = 'tremolo-first-video';

/** One answer inside the HTML: the status and the body the API gave. */
export interface LandingAnswer {
  status: number;
  body: string;
}

export function landingRequests(pathname: string): string[] {
  const session = '/api/v1/auth/session';
  if (pathname === '/') return [session, `/api/v1/feeds/for-you?limit=${FOR_YOU_FIRST_PAGE}`];
  const shared = /^\/v\/([^/]+)\/?$/.exec(pathname);
  return shared?.[1] ? [session, `/api/v1/videos/${shared[1]}`] : [session];
}

/** The poster of the video a landing answer shows first (For You's first item, or the shared video). */
export function landingPoster(body: unknown): string | null {
  return landingVideoUrl(body, 'posterUrl');
}

/** The stream of the video a landing answer shows first: what its `<video>` plays. */
export function landingStream(body: unknown): string | null {
  return landingVideoUrl(body, 'streamUrl');
}

function landingVideoUrl(body: unknown, field: 'posterUrl' | 'streamUrl'): string | null {
  const b = body as { items?: { type?: unknown; video?: Record<string, unknown> }[] } & Record<string, unknown>;
  const first = b?.items?.[0];
  const url = b && 'items' in b ? (first?.type === 'video' ? first.video?.[field] : null) : b?.[field];
  return typeof url === 'string' && /^(\/|https?:\/\/)/.test(url) ? url : null;
}
