import { api } from '@tremolo/protocol';
import type { Router } from '../../../platform/http/route.ts';
import { readUpload } from '../../../platform/http/upload.ts';
import type { Reviews } from './service.ts';

/** The reviews API, as declared in `api.reviews`. Handlers only translate; rules live in `Reviews`. */
export function registerReviewRoutes(router: Router, reviews: Reviews): void {
  const r = api.reviews;
  router.implement(r.create, async ({ user, body }) => reviews.create(user.id, body));
  router.implement(r.addPhoto, async ({ user, params, req }) => {
    const { file } = await readUpload(req, { what: 'photo', into: 'memory' });
    return reviews.addPhoto(user.id, params.id, file);
  });
  router.implement(r.reply, async ({ user, params, body }) => reviews.reply(user.id, params.id, body.text));
  router.implement(r.ofProduct, async ({ user, params, query }) => reviews.ofProduct(user?.id ?? null, params.id, query));
  router.implement(r.summary, async ({ user, params }) => reviews.summary(user?.id ?? null, params.id));
  router.implement(r.ofOrder, async ({ user, params }) => ({ items: await reviews.ofOrder(user.id, params.id) }));
  router.implement(r.storeScore, async ({ params }) => reviews.storeScoreOf(params.handle));
}
