import { AddToPlaylistBody, CreateWatchBody, HandOverBody, Ok, SetControlBody, WatchParams, WatchParty } from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import type { WatchService } from './service.ts';

export function registerWatchRoutes(router: Router, watch: WatchService): void {
  const tags = ['watch'];
  router.add({
    method: 'POST', url: '/api/v1/watch', auth: 'user', tags, summary: 'Start a watch party (一起看) from a video or a playlist; the creator hosts it',
    body: CreateWatchBody, response: WatchParty, status: 201,
    handler: async ({ user, body }) => watch.create(user.id, body),
  });
  router.add({
    method: 'GET', url: '/api/v1/watch/:id', auth: 'user', tags, summary: 'A party with its playback state (members, or anyone who may join from the link)',
    params: WatchParams, response: WatchParty,
    handler: async ({ user, params }) => watch.get(user.id, params.id),
  });
  router.add({
    method: 'POST', url: '/api/v1/watch/:id/join', auth: 'user', tags, summary: 'Join from the link, an invitation or a card; rejoining keeps your role',
    params: WatchParams, response: WatchParty,
    handler: async ({ user, params }) => watch.join(user.id, params.id),
  });
  router.add({
    method: 'POST', url: '/api/v1/watch/:id/leave', auth: 'user', tags, summary: 'Leave; a leaving host passes the role on',
    params: WatchParams, response: Ok,
    handler: async ({ user, params }) => {
      await watch.leave(user.id, params.id);
      return { ok: true as const };
    },
  });
  router.add({
    method: 'POST', url: '/api/v1/watch/:id/host', auth: 'user', tags, summary: 'Hand the host role to another member (host only)',
    params: WatchParams, body: HandOverBody, response: WatchParty,
    handler: async ({ user, params, body }) => watch.handOver(user.id, params.id, body.userId),
  });
  router.add({
    method: 'PUT', url: '/api/v1/watch/:id/control', auth: 'user', tags, summary: 'Who controls playback: the host, host and co-hosts, or everyone (host only)',
    params: WatchParams, body: SetControlBody, response: WatchParty,
    handler: async ({ user, params, body }) => watch.setControl(user.id, params.id, body.mode, body.cohosts),
  });
  router.add({
    method: 'POST', url: '/api/v1/watch/:id/playlist', auth: 'user', tags, summary: 'Add videos to the playlist (whoever may control)',
    params: WatchParams, body: AddToPlaylistBody, response: WatchParty,
    handler: async ({ user, params, body }) => watch.addToPlaylist(user.id, params.id, body.videoIds),
  });
}
