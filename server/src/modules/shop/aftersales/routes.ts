import { api } from '@tremolo/protocol';
import type { Router } from '../../../platform/http/route.ts';
import { readUpload } from '../../../platform/http/upload.ts';
import { sendStoredFile } from '../../../platform/storage-http.ts';
import type { Aftersales } from './service.ts';

/** The after-sales API, as declared in `api.aftersales`. Handlers only translate; rules live in `Aftersales`. */
export function registerAftersalesRoutes(router: Router, aftersales: Aftersales): void {
  const a = api.aftersales;
  router.implement(a.open, async ({ user, body }) => aftersales.open(user.id, body));
  router.implement(a.addPhoto, async ({ user, params, req }) => {
    const { file } = await readUpload(req, { what: 'photo', into: 'memory' });
    return aftersales.addPhoto(user.id, params.id, file);
  });
  router.implement(a.photo, async ({ user, params, query, req, reply }) => {
    const { files, key, signable } = await aftersales.photoFile(user.id, params.id, params.photoId, query.size ?? 'full');
    const signed = signable ? await aftersales.signedPhotoUrl(key) : null;
    // A signed link is the check's outcome for this person only: the redirect must not be kept.
    if (signed) return reply.code(302).header('location', signed).header('cache-control', 'private, no-store').send();
    // A photo never changes under its id; `private` keeps it out of shared caches.
    return sendStoredFile(req, reply, files, key, { cacheControl: 'private, max-age=86400', what: 'Photo' });
  });
  router.implement(a.get, async ({ user, params }) => aftersales.get(user.id, params.id));
  router.implement(a.ofOrder, async ({ user, params }) => ({ items: await aftersales.ofOrder(user.id, params.id) }));
  router.implement(a.accept, async ({ user, params }) => aftersales.accept(user.id, params.id));
  router.implement(a.decline, async ({ user, params, body }) => aftersales.decline(user.id, params.id, body.reason));
  router.implement(a.shipBack, async ({ user, params, body }) => aftersales.shipBack(user.id, params.id, body));
  router.implement(a.receive, async ({ user, params }) => aftersales.receive(user.id, params.id));
  router.implement(a.escalate, async ({ user, params, body }) => aftersales.escalate(user.id, params.id, body.text));
  router.implement(a.escalated, async ({ user, query }) => aftersales.escalated(user.id, query));
  router.implement(a.decide, async ({ user, params, body }) => aftersales.decide(user.id, params.id, body.decision, body.note));
}
