import { z } from 'zod';
import {
  ChatHistoryQuery,
  CreateRoomBody,
  EventFrame,
  GuestActionBody,
  HandAnswerBody,
  HandBody,
  HeartsBody,
  InviteAnswerBody,
  InviteBody,
  LayerBody,
  MediaStateBody,
  Ok,
  PinBody,
  PublishAnswer,
  PublishOfferBody,
  Room,
  RoomList,
  RoomListQuery,
  RoomParams,
  RoomState,
  RoomSummary,
  RoomUserParams,
  SubscribeAnswerBody,
  SubscribeBody,
  SubscribeOffer,
  TransferHostBody,
} from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import { readUpload } from '../../platform/http/upload.ts';
import type { RoomsService } from './service.ts';

const ok = { ok: true as const };

/**
 * Friends chat rooms. Signalling is plain request/response: an SDP offer in, the answer out
 * (non-trickle, candidates inside the SDP), so the permission check and the SFU call sit in
 * one place and a refused publish is an ordinary 403.
 */
export function registerRoomRoutes(router: Router, rooms: RoomsService): void {
  const tags = ['rooms'];
  router.add({
    method: 'POST', url: '/api/v1/rooms', auth: 'user', tags, summary: 'Open a friends chat room (朋友聊天室), live now or scheduled; the creator hosts it',
    body: CreateRoomBody, response: Room, status: 201,
    handler: async ({ user, body }) => rooms.create(user.id, body),
  });
  router.add({
    method: 'GET', url: '/api/v1/rooms', auth: 'user', tags, summary: 'Live rooms I may enter, or the rooms I host',
    query: RoomListQuery, response: RoomList,
    handler: async ({ user, query }) => rooms.list(user.id, query.filter, query.cursor, query.limit),
  });
  router.add({
    method: 'GET', url: '/api/v1/rooms/:id', auth: 'user', tags, summary: 'A room with its state snapshot and what I may do',
    params: RoomParams, response: Room,
    handler: async ({ user, params }) => rooms.get(user.id, params.id),
  });
  router.add({
    method: 'PUT', url: '/api/v1/rooms/:id/cover', auth: 'user', tags, summary: 'Upload the room’s cover (host; multipart field "file"; JPEG, PNG or WebP, at least 200×200)',
    params: RoomParams, rawBody: true, response: Room,
    handler: async ({ user, params, req }) => {
      const { file } = await readUpload(req, { what: 'cover', into: 'memory' });
      return rooms.setCover(user.id, params.id, file);
    },
  });
  router.add({
    method: 'GET', url: '/api/v1/rooms/:id/state', auth: 'user', tags, summary: 'The state snapshot alone, for a client that saw a gap in versions',
    params: RoomParams, response: RoomState,
    handler: async ({ user, params }) => rooms.snapshot(user.id, params.id),
  });
  router.add({
    method: 'GET', url: '/api/v1/rooms/:id/messages', auth: 'user', tags, summary: 'Older chat messages of the room, newest last',
    params: RoomParams, query: ChatHistoryQuery, response: z.object({ items: z.array(EventFrame), head: z.number().int() }),
    handler: async ({ user, params, query }) => rooms.messages(user.id, params.id, query.before, query.limit),
  });
  router.add({
    method: 'POST', url: '/api/v1/rooms/:id/join', auth: 'user', tags, summary: 'Enter the room (audience rules and bans are checked); then subscribe to its channel',
    params: RoomParams, response: Room,
    handler: async ({ user, params }) => rooms.join(user.id, params.id),
  });
  router.add({
    method: 'POST', url: '/api/v1/rooms/:id/leave', auth: 'user', tags, summary: 'Leave the room; a guest leaves the stage too',
    params: RoomParams, response: Ok,
    handler: async ({ user, params }) => (await rooms.leave(user.id, params.id), ok),
  });
  router.add({
    method: 'POST', url: '/api/v1/rooms/:id/start', auth: 'user', tags, summary: 'Start a scheduled room (host)',
    params: RoomParams, response: Room,
    handler: async ({ user, params }) => rooms.startRoom(user.id, params.id),
  });
  router.add({
    method: 'POST', url: '/api/v1/rooms/:id/end', auth: 'user', tags, summary: 'End the room (host): everyone is told, media stops; returns the summary',
    params: RoomParams, response: RoomSummary,
    handler: async ({ user, params }) => rooms.end(user.id, params.id),
  });
  router.add({
    method: 'GET', url: '/api/v1/rooms/:id/summary', auth: 'user', tags, summary: 'Duration, viewers, messages, hearts, orders and revenue from the room (host)',
    params: RoomParams, response: RoomSummary,
    handler: async ({ user, params }) => rooms.summary(user.id, params.id),
  });
  router.add({
    method: 'POST', url: '/api/v1/rooms/:id/hand', auth: 'user', tags, summary: 'Raise or lower my hand to come on stage (audience)',
    params: RoomParams, body: HandBody, response: Ok,
    handler: async ({ user, params, body }) => (await rooms.raiseHand(user.id, params.id, body.raised), ok),
  });
  router.add({
    method: 'POST', url: '/api/v1/rooms/:id/hands/:userId', auth: 'user', tags, summary: 'Accept (on stage) or decline a raised hand (host)',
    params: RoomUserParams, body: HandAnswerBody, response: Ok,
    handler: async ({ user, params, body }) => (await rooms.answerHand(user.id, params.id, params.userId, body.accept), ok),
  });
  router.add({
    method: 'POST', url: '/api/v1/rooms/:id/invites', auth: 'user', tags, summary: 'Invite a friend on stage (host); they accept or decline',
    params: RoomParams, body: InviteBody, response: Ok,
    handler: async ({ user, params, body }) => (await rooms.invite(user.id, params.id, body.userId), ok),
  });
  router.add({
    method: 'POST', url: '/api/v1/rooms/:id/invite', auth: 'user', tags, summary: 'Answer my invitation on stage',
    params: RoomParams, body: InviteAnswerBody, response: Room,
    handler: async ({ user, params, body }) => rooms.answerInvite(user.id, params.id, body.accept),
  });
  router.add({
    method: 'POST', url: '/api/v1/rooms/:id/stage/leave', auth: 'user', tags, summary: 'Leave the stage, staying in the audience (guests)',
    params: RoomParams, response: Ok,
    handler: async ({ user, params }) => (await rooms.leaveStage(user.id, params.id), ok),
  });
  router.add({
    method: 'POST', url: '/api/v1/rooms/:id/media', auth: 'user', tags, summary: 'My own mic and camera switches, shown on my tile (on stage)',
    params: RoomParams, body: MediaStateBody, response: Ok,
    handler: async ({ user, params, body }) => (await rooms.setMedia(user.id, params.id, body), ok),
  });
  router.add({
    method: 'POST', url: '/api/v1/rooms/:id/guests/:userId', auth: 'user', tags, summary: 'Host actions on a person: mute, camera off, back to audience, kick, ban, co-host',
    params: RoomUserParams, body: GuestActionBody, response: Ok,
    handler: async ({ user, params, body }) => (await rooms.guestAction(user.id, params.id, params.userId, body), ok),
  });
  router.add({
    method: 'POST', url: '/api/v1/rooms/:id/host', auth: 'user', tags, summary: 'Hand the host role to the co-host (host)',
    params: RoomParams, body: TransferHostBody, response: Room,
    handler: async ({ user, params, body }) => rooms.transferHost(user.id, params.id, body.userId),
  });
  router.add({
    method: 'PUT', url: '/api/v1/rooms/:id/pin', auth: 'user', tags, summary: 'Pin one of my products in the room, or unpin (host)',
    params: RoomParams, body: PinBody, response: Ok,
    handler: async ({ user, params, body }) => (await rooms.pin(user.id, params.id, body.productId), ok),
  });
  router.add({
    method: 'POST', url: '/api/v1/rooms/:id/hearts', auth: 'user', tags, summary: 'Hearts gathered by the client since its last post; totals go out once a second',
    params: RoomParams, body: HeartsBody, response: Ok,
    handler: async ({ user, params, body }) => (await rooms.hearts(user.id, params.id, body.count), ok),
  });
  router.add({
    method: 'POST', url: '/api/v1/rooms/:id/publish', auth: 'user', tags, summary: 'Send my camera and mic (host and guests only): SDP offer in, SFU answer out',
    params: RoomParams, body: PublishOfferBody, response: PublishAnswer,
    handler: async ({ user, params, body }) => rooms.publish(user.id, params.id, body.offerSdp),
  });
  router.add({
    method: 'POST', url: '/api/v1/rooms/:id/unpublish', auth: 'user', tags, summary: 'Stop sending my media',
    params: RoomParams, response: Ok,
    handler: async ({ user, params }) => (await rooms.unpublish(user.id, params.id), ok),
  });
  router.add({
    method: 'POST', url: '/api/v1/rooms/:id/subscribe', auth: 'user', tags, summary: 'Receive stage feeds: the SFU’s offer for my receive connection (renegotiates it)',
    params: RoomParams, body: SubscribeBody, response: SubscribeOffer,
    handler: async ({ user, params, body }) => rooms.subscribe(user.id, params.id, body.publisherIds),
  });
  router.add({
    method: 'POST', url: '/api/v1/rooms/:id/subscribe/answer', auth: 'user', tags, summary: 'My answer to the SFU’s offer',
    params: RoomParams, body: SubscribeAnswerBody, response: Ok,
    handler: async ({ user, params, body }) => (await rooms.answerSubscription(user.id, params.id, body.answerSdp), ok),
  });
  router.add({
    method: 'POST', url: '/api/v1/rooms/:id/layer', auth: 'user', tags, summary: 'High or low quality of one stage feed for me',
    params: RoomParams, body: LayerBody, response: Ok,
    handler: async ({ user, params, body }) => (await rooms.setLayer(user.id, params.id, body.publisherId, body.layer), ok),
  });
  router.add({
    method: 'POST', url: '/api/v1/rooms/:id/unsubscribe', auth: 'user', tags, summary: 'Close my receive connection',
    params: RoomParams, response: Ok,
    handler: async ({ user, params }) => (await rooms.unsubscribe(user.id, params.id), ok),
  });
}
