import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  type LandingAnswer,
  LANDING_DATA_ID,
  LANDING_STREAMED_META,
  LANDING_VIDEO_ID,
  landingPoster,
  landingRequests,
  landingStream,
} from '@tremolo/protocol/landing';

/**
 * How long the end of the page waits for the answers; past it the page ends without them and the
 * browser asks for them itself (early.ts). The app's scripts (hundreds of KB on a phone network)
 * download meanwhile, and they run only once the page has ended, so a wait shorter than their
 * download costs nothing.
 */
const WAIT_MS = 1500;

/** What a landing request needs from the page's own request: who asks, in what language, from where. */
const FORWARDED = ['cookie', 'accept-language', 'user-agent', 'x-forwarded-for', 'x-forwarded-proto', 'x-real-ip'] as const;

export interface FirstScreen {
  answers: Record<string, LandingAnswer>;
  poster: string | null;
  /** The first video's stream, when it has one (a video still processing has none). */
  stream: string | null;
}

/**
 * The landing page's first requests (the session check, For You's first page or a shared video),
 * answered now by the API itself (`inject`: the same routes, checks, limits and serialisation a
 * fetch would get, for the same person and address), so they arrive with the HTML instead of
 * one phone round trip after the early script. None of them sets a cookie (only signing up and
 * logging in do). Null when they take too long.
 */
export async function firstScreen(http: FastifyInstance, req: FastifyRequest, pathname: string): Promise<FirstScreen | null> {
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const name of FORWARDED) {
    const v = req.headers[name];
    if (typeof v === 'string') headers[name] = v;
  }
  const urls = landingRequests(pathname);
  const work = Promise.all(
    urls.map((url) => http.inject({ method: 'GET', url, headers, remoteAddress: req.socket.remoteAddress ?? '127.0.0.1' })),
  );
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(resolve, WAIT_MS, null);
  });
  const responses = await Promise.race([work, late]).finally(() => clearTimeout(timer));
  if (!responses) {
    req.log.warn({ pathname }, 'first screen: answers not ready in time; the browser asks for them');
    return null;
  }
  const answers: Record<string, LandingAnswer> = {};
  let poster: string | null = null;
  let stream: string | null = null;
  for (const [i, r] of responses.entries()) {
    answers[urls[i]!] = { status: r.statusCode, body: r.body };
    if (i !== 1 || r.statusCode !== 200) continue;
    const body = safeJson(r.body);
    poster = landingPoster(body);
    stream = landingStream(body);
  }
  return { answers, poster, stream };
}

/**
 * For the end of the body: the first video itself, then the answers as a JSON block (not a
 * script: CSP's `script-src 'self'` holds) and the first poster's preload. `<` is escaped: the
 * JSON cannot end the element, whatever a caption says.
 *
 * The video (muted, so it may start by itself) begins to load as soon as this part is parsed,
 * about when the app's scripts begin to arrive rather than once they have run, and shows its
 * poster over the page until the app's first slide takes the element over (`takeLandingVideo` in
 * the web app); on a phone network that is most of a second of the clip's download won back,
 * and the poster is painted before the app's first render.
 */
export function firstScreenTags(s: FirstScreen): string {
  const json = JSON.stringify(s.answers).replace(/</g, '\\u003c');
  const tags: string[] = [];
  if (s.stream) {
    const poster = s.poster ? ` poster="${attr(s.poster)}"` : '';
    tags.push(
      `<video id="${LANDING_VIDEO_ID}" class="landing-video" src="${attr(s.stream)}"${poster} muted autoplay playsinline preload="auto" aria-hidden="true"></video>`,
    );
  }
  tags.push(`<script type="application/json" id="${LANDING_DATA_ID}">${json}</script>`);
  if (s.poster) tags.push(`<link rel="preload" as="image" href="${attr(s.poster)}" fetchpriority="high">`);
  return `${tags.join('\n    ')}\n  `;
}

/**
 * index.html cut where the answers go: the part sent at once (the head, marked as streamed, and
 * the body's shell) and the end sent after them. Null when the page has no body to cut.
 */
export function splitForAnswers(html: string): { start: string; end: string } | null {
  const head = /<head[^>]*>/i.exec(html);
  const close = html.search(/<\/body>/i);
  if (!head || close < 0) return null;
  const at = head.index + head[0].length;
  const start = `${html.slice(0, at)}\n    <meta name="${LANDING_STREAMED_META}" content="streamed">${html.slice(at, close)}`;
  return { start, end: html.slice(close) };
}

function attr(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
