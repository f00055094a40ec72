import { api } from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import { readUpload } from '../../platform/http/upload.ts';
import type { RoomsService } from './service.ts';

const ok = { ok: true as const };

/** Friends chat rooms: each declared endpoint (`api.rooms`) handed to the service. */
export function registerRoomRoutes(router: Router, rooms: RoomsService): void {
  const r = api.rooms;
  router.implement(r.create, async ({ user, body }) => rooms.create(user.id, body));
  router.implement(r.list, async ({ user, query }) => rooms.list(user.id, query.filter, query.cursor, query.limit));
  router.implement(r.get, async ({ user, params }) => rooms.get(user.id, params.id));
  router.implement(r.setCover, async ({ user, params, req }) => {
    const { file } = await readUpload(req, { what: 'cover', into: 'memory' });
    return rooms.setCover(user.id, params.id, file);
  });
  router.implement(r.state, async ({ user, params }) => rooms.snapshot(user.id, params.id));
  router.implement(r.messages, async ({ user, params, query }) => rooms.messages(user.id, params.id, query.before, query.limit));
  router.implement(r.join, async ({ user, params }) => rooms.join(user.id, params.id));
  router.implement(r.leave, async ({ user, params }) => (await rooms.leave(user.id, params.id), ok));
  router.implement(r.start, async ({ user, params }) => rooms.startRoom(user.id, params.id));
  router.implement(r.end, async ({ user, params }) => rooms.end(user.id, params.id));
  router.implement(r.summary, async ({ user, params }) => rooms.summary(user.id, params.id));
  router.implement(r.raiseHand, async ({ user, params, body }) => (await rooms.raiseHand(user.id, params.id, body.raised), ok));
  router.implement(
    r.answerHand,
    async ({ user, params, body }) => (await rooms.answerHand(user.id, params.id, params.userId, body.accept), ok),
  );
  router.implement(r.invite, async ({ user, params, body }) => (await rooms.invite(user.id, params.id, body.userId), ok));
  router.implement(r.answerInvite, async ({ user, params, body }) => rooms.answerInvite(user.id, params.id, body.accept));
  router.implement(r.leaveStage, async ({ user, params }) => (await rooms.leaveStage(user.id, params.id), ok));
  router.implement(r.setMedia, async ({ user, params, body }) => (await rooms.setMedia(user.id, params.id, body), ok));
  router.implement(r.guestAction, async ({ user, params, body }) => (await rooms.guestAction(user.id, params.id, params.userId, body), ok));
  router.implement(r.transferHost, async ({ user, params, body }) => rooms.transferHost(user.id, params.id, body.userId));
  router.implement(r.pin, async ({ user, params, body }) => (await rooms.pin(user.id, params.id, body.productId), ok));
  router.implement(r.hearts, async ({ user, params, body }) => (await rooms.hearts(user.id, params.id, body.count), ok));
  router.implement(r.publish, async ({ user, params, body }) => rooms.publish(user.id, params.id, body.offerSdp));
  router.implement(r.unpublish, async ({ user, params }) => (await rooms.unpublish(user.id, params.id), ok));
  router.implement(r.subscribe, async ({ user, params, body }) => rooms.subscribe(user.id, params.id, body.publisherIds));
  router.implement(
    r.answerSubscription,
    async ({ user, params, body }) => (await rooms.answerSubscription(user.id, params.id, body.answerSdp), ok),
  );
  router.implement(
    r.setLayer,
    async ({ user, params, body }) => (await rooms.setLayer(user.id, params.id, body.publisherId, body.layer), ok),
  );
  router.implement(r.unsubscribe, async ({ user, params }) => (await rooms.unsubscribe(user.id, params.id), ok));
}
