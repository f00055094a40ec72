import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/**
 * Browser-enforced limits on every response (HTML, API, media). The app is one origin: its
 * scripts, styles, media and socket all come from here, so anything else is refused.
 */
export function installSecurityHeaders(
  http: FastifyInstance,
  opts: {
    https: boolean;
    /** Origins of object storage that browsers read images and video from directly (`S3_PUBLIC_URL`, presigned URLs). */
    mediaOrigins?: string[];
  },
): void {
  const media = opts.mediaOrigins ?? [];
  const headers = headersOf(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          // No inline script anywhere: the built app loads only hashed module files.
          scriptSrc: ["'self'"],
          scriptSrcAttr: ["'none'"],
          styleSrc: ["'self'"],
          // Avatars rendered into the card's "save as image", QR codes and the favicon are data:/blob: URLs.
          imgSrc: ["'self'", 'data:', 'blob:', ...media],
          // Players attach MediaSource buffers (blob:) and camera previews.
          mediaSrc: ["'self'", 'blob:', ...media],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          workerSrc: ["'self'", 'blob:'],
          manifestSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          ...(opts.https ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      crossOriginOpenerPolicy: { policy: 'same-origin' },
      // Public images may be shown by link previews on other sites of ours (same site), not hotlinked everywhere.
      crossOriginResourcePolicy: { policy: 'same-site' },
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
      strictTransportSecurity: opts.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      // Framing is refused by frame-ancestors; X-Frame-Options says the same to older browsers.
      xFrameOptions: { action: 'deny' },
    }),
  );
  // Helmet has no Permissions-Policy: camera, microphone and motion sensors (连线, rooms, shake)
  // for our own pages only, and nothing else a page could ask for.
  const permissions = [
    'camera=(self)',
    'microphone=(self)',
    'accelerometer=(self)',
    'gyroscope=(self)',
    'geolocation=(self)',
    'fullscreen=(self)',
    'autoplay=(self)',
    'display-capture=()',
    'payment=()',
    'usb=()',
    'serial=()',
    'bluetooth=()',
    'midi=()',
    'interest-cohort=()',
  ].join(', ');
  headers['permissions-policy'] = permissions;
  // Every header is the same on every response: set once per request from one object. (The
  // Fastify plugin rebuilt helmet's middleware, CSP parsing included, on every request.)
  http.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
}

/** The headers helmet's middleware sets: none depends on the request (no nonces), so they are computed once. */
function headersOf(middleware: (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      return res;
    },
    removeHeader() {},
  };
  let failed: unknown;
  middleware({} as IncomingMessage, res as unknown as ServerResponse, (err) => (failed = err));
  if (failed) throw failed instanceof Error ? failed : new Error(String(failed));
  return headers;
}
