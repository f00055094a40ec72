import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Platform } from '../../platform/module.ts';
import { landingRequests } from '@tremolo/protocol/landing';
import { firstScreen, firstScreenTags, splitForAnswers } from './first-screen.ts';
import { headTags, injectHead } from './head.ts';
import { PreviewsService, type PreviewsDeps } from './service.ts';

/**
 * The SPA's pages people share, and the landing page: the server answers them with index.html
 * carrying the preview's tags and, for the landing ones, the first screen's data.
 */
const PAGES = ['/', '/v/:id', '/p/:id', '/u/:handle', '/r/:id', '/w/:id', '/watch/:id'];

/**
 * Link previews: OpenGraph and Twitter card tags in the HTML of shared pages (a video, a
 * product, a card, a room, a watch party), so a link pasted into another app shows a title and
 * a poster. The landing pages (For You, a shared video) also carry their first requests'
 * answers (first-screen.ts). No routes of the API; other paths keep the plain index.html (app.ts).
 */
export function register(p: Platform, deps: PreviewsDeps): PreviewsService {
  const previews = new PreviewsService(deps);
  const indexFile = path.join(p.config.webDistDir, 'index.html');
  let cached: { mtimeMs: number; html: string } | null = null;
  const indexHtml = async (): Promise<string | null> => {
    const s = await stat(indexFile).catch(() => null);
    if (!s) return null;
    // A rebuilt bundle is served without a restart, as the static files are.
    if (cached?.mtimeMs !== s.mtimeMs) cached = { mtimeMs: s.mtimeMs, html: await readFile(indexFile, 'utf8') };
    return cached.html;
  };
  const origin = (req: FastifyRequest) => p.config.publicUrl?.replace(/\/$/, '') ?? `${req.protocol}://${req.headers.host ?? 'localhost'}`;

  const page = async (req: FastifyRequest, reply: FastifyReply) => {
    const html = await indexHtml();
    if (html === null) return reply.callNotFound();
    const pathname = req.url.split('?')[0] ?? '/';
    const lang = /^zh\b/i.test(req.headers['accept-language'] ?? '') ? 'zh-CN' : 'en';
    const preview = await previews.preview(pathname, origin(req), lang).catch((e: unknown) => {
      // A preview is a courtesy: the page itself must still load.
      req.log.warn({ err: e, pathname }, 'link preview failed');
      return null;
    });
    const shell = preview ? injectHead(html, headTags(preview)) : html;
    // A landing page ends with the person's own answers (their session, their For You): it is
    // theirs alone. Its head goes at once, so the app's scripts download while they are made.
    // A HEAD (and so any cache's probe) gets the shared shell.
    const parts = req.method === 'GET' && landingRequests(pathname).length > 1 ? splitForAnswers(shell) : null;
    if (parts) {
      const out = new PassThrough();
      reply.header('cache-control', 'private, no-store').header('vary', 'cookie, accept-language');
      void reply.type('text/html; charset=utf-8').send(out);
      out.write(parts.start);
      // Let the head reach the socket before the answers' work (ranking For You is synchronous
      // in places) holds the event loop.
      await new Promise((r) => setImmediate(r));
      const first = await firstScreen(p.http, req, pathname).catch((e: unknown) => {
        req.log.warn({ err: e, pathname }, 'first screen failed; the browser asks for it');
        return null;
      });
      out.end(`${first ? firstScreenTags(first) : ''}${parts.end}`);
      return reply;
    }
    // Revalidated on every visit like the plain shell: a new bundle or a changed title is seen at once.
    const etag = `"${createHash('sha1').update(shell).digest('base64url')}"`;
    reply.header('cache-control', 'no-cache').header('vary', 'accept-language').header('etag', etag);
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type('text/html; charset=utf-8').send(shell);
  };
  for (const route of PAGES) p.http.get(route, page);
  return previews;
}
