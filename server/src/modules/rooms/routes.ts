import { api } from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import { readUpload } from '../../platform/http/upload.ts';
import type { ReadableFiles } from '../../platform/storage.ts';
import { sendStoredFile } from '../../platform/storage-http.ts';
import type { Rooms } from './parts.ts';

const ok = { ok: true as const };

/** Friends chat rooms: each declared endpoint (`api.rooms`) handed to the part of the module it concerns. */
export function registerRoomRoutes(router: Router, rooms: Rooms, files: ReadableFiles): void {
  const r = api.rooms;
  const { views, lifecycle, membership, stage, pin, counts, chat, media, broadcast } = rooms;
  router.implement(r.create, async ({ user, body }) => lifecycle.create(user.id, body));
  router.implement(r.list, async ({ user, query }) => views.list(user.id, query.filter, query.cursor, query.limit));
  router.implement(r.get, async ({ user, params }) => views.get(user.id, params.id));
  router.implement(r.preview, async ({ user, params }) => views.preview(user?.id ?? null, params.id));
  router.implement(r.setCover, async ({ user, params, req }) => {
    const { file } = await readUpload(req, { what: 'cover', into: 'memory' });
    return lifecycle.setCover(user.id, params.id, file);
  });
  router.implement(r.state, async ({ user, params }) => views.snapshot(user.id, params.id));
  router.implement(r.messages, async ({ user, params, query }) => chat.messages(user.id, params.id, query.before, query.limit));
  router.implement(r.join, async ({ user, params }) => membership.join(user.id, params.id));
  router.implement(r.leave, async ({ user, params }) => (await membership.leave(user.id, params.id), ok));
  router.implement(r.start, async ({ user, params }) => lifecycle.startRoom(user.id, params.id));
  router.implement(r.end, async ({ user, params }) => lifecycle.end(user.id, params.id));
  router.implement(r.summary, async ({ user, params }) => lifecycle.summary(user.id, params.id));
  router.implement(r.raiseHand, async ({ user, params, body }) => (await stage.raiseHand(user.id, params.id, body.raised), ok));
  router.implement(
    r.answerHand,
    async ({ user, params, body }) => (await stage.answerHand(user.id, params.id, params.userId, body.accept), ok),
  );
  router.implement(r.invite, async ({ user, params, body }) => (await stage.invite(user.id, params.id, body.userId), ok));
  router.implement(r.answerInvite, async ({ user, params, body }) => stage.answerInvite(user.id, params.id, body.accept));
  router.implement(r.leaveStage, async ({ user, params }) => (await stage.leaveStage(user.id, params.id), ok));
  router.implement(r.setMedia, async ({ user, params, body }) => (await stage.setMedia(user.id, params.id, body), ok));
  router.implement(r.guestAction, async ({ user, params, body }) => (await stage.guestAction(user.id, params.id, params.userId, body), ok));
  router.implement(r.transferHost, async ({ user, params, body }) => stage.transferHost(user.id, params.id, body.userId));
  router.implement(r.moments, async ({ user, params }) => rooms.moments.ofRoom(user.id, params.id));
  router.implement(r.productMoments, async ({ user, query }) => rooms.moments.ofProduct(user?.id ?? null, query.productId));
  router.implement(r.reservation, async ({ user, params }) => rooms.reservations.get(user.id, params.id));
  router.implement(r.reserve, async ({ user, params }) => rooms.reservations.reserve(user.id, params.id));
  router.implement(r.unreserve, async ({ user, params }) => rooms.reservations.cancel(user.id, params.id));
  router.implement(r.pin, async ({ user, params, body }) => (await pin.pin(user.id, params.id, body.productId), ok));
  router.implement(r.hearts, async ({ user, params, body }) => (await counts.hearts(user.id, params.id, body.count), ok));
  router.implement(r.hlsLive, async ({ user, params, query, reply }) => {
    const p = await broadcast.live(user.id, params.id, query._HLS_msn);
    return reply.header('cache-control', p.cacheControl).type('application/vnd.apple.mpegurl').send(p.body);
  });
  router.implement(r.hlsReplay, async ({ user, params, reply }) => {
    const p = await broadcast.replay(user.id, params.id);
    return reply.header('cache-control', p.cacheControl).type('application/vnd.apple.mpegurl').send(p.body);
  });
  router.implement(r.hlsSegment, async ({ user, params, req, reply }) => {
    const s = await broadcast.segment(user.id, params.id, params.segment);
    return sendStoredFile(req, reply, files, s.key, { cacheControl: s.cacheControl, what: 'Segment' });
  });
  router.implement(r.publish, async ({ user, params, body }) => media.publish(user.id, params.id, body.offerSdp));
  router.implement(r.unpublish, async ({ user, params }) => (await media.unpublish(user.id, params.id), ok));
  router.implement(r.subscribe, async ({ user, params, body }) => media.subscribe(user.id, params.id, body.publisherIds));
  router.implement(
    r.answerSubscription,
    async ({ user, params, body }) => (await media.answerSubscription(user.id, params.id, body.answerSdp), ok),
  );
  router.implement(
    r.setLayer,
    async ({ user, params, body }) => (await media.setLayer(user.id, params.id, body.publisherId, body.layer), ok),
  );
  router.implement(r.unsubscribe, async ({ user, params }) => (await media.unsubscribe(user.id, params.id), ok));
}
