import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';

/**
 * Browser-enforced limits on every response (HTML, API, media). The app is one origin: its
 * scripts, styles, media and socket all come from here, so anything else is refused.
 */
export async function installSecurityHeaders(
  http: FastifyInstance,
  opts: {
    https: boolean;
    /** Origins of object storage that browsers read images and video from directly (`S3_PUBLIC_URL`, presigned URLs). */
    mediaOrigins?: string[];
  },
): Promise<void> {
  const media = opts.mediaOrigins ?? [];
  await http.register(helmet, {
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
  });
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
  http.addHook('onRequest', async (_req, reply) => {
    reply.header('permissions-policy', permissions);
  });
}
