import { api } from '@tremolo/protocol';
import type { Router } from '../../../platform/http/route.ts';
import { readUpload } from '../../../platform/http/upload.ts';
import { sendPrivateFile, sendStoredFile } from '../../../platform/storage-http.ts';
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
    const { key, legacy } = await aftersales.photoFile(user.id, params.id, params.photoId, query.size ?? 'full');
    // A photo never changes under its id; `private` keeps it out of shared caches.
    const opts = { cacheControl: 'private, max-age=86400', what: 'Photo' };
    // Until the sweeper has moved it, a first-release photo is read from the public area.
    if (legacy) return sendStoredFile(req, reply, legacy, key, opts);
    return sendPrivateFile(req, reply, aftersales.photoFiles, key, opts);
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
