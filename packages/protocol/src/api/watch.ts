import { Ok } from '../common.ts';
import { AddToPlaylistBody, CreateWatchBody, HandOverBody, SetControlBody, WatchParams, WatchParty, WatchPreview } from '../watch.ts';
import { endpoint } from './endpoint.ts';

const tags = ['watch'] as const;

/** Watch parties (一起看): membership and roles over HTTP; playback travels on the `watch:<id>` channel. */
export const watchApi = {
  create: endpoint({
    method: 'POST',
    path: '/api/v1/watch',
    auth: 'user',
    summary: 'Start a watch party (一起看) from a video or a playlist; the creator hosts it',
    tags,
    body: CreateWatchBody,
    response: WatchParty,
    status: 201,
  }),
  get: endpoint({
    method: 'GET',
    path: '/api/v1/watch/:id',
    auth: 'user',
    summary: 'A party with its playback state (members, or anyone who may join from the link)',
    tags,
    params: WatchParams,
    response: WatchParty,
  }),
  preview: endpoint({
    method: 'GET',
    path: '/api/v1/watch/:id/preview',
    auth: 'optional',
    summary: 'What a party link shows before joining (also logged out): host, video, poster, how many watch',
    tags,
    params: WatchParams,
    response: WatchPreview,
    errors: ['not_found'],
  }),
  join: endpoint({
    method: 'POST',
    path: '/api/v1/watch/:id/join',
    auth: 'user',
    summary: 'Join from the link, an invitation or a card; rejoining keeps your role',
    tags,
    params: WatchParams,
    response: WatchParty,
  }),
  leave: endpoint({
    method: 'POST',
    path: '/api/v1/watch/:id/leave',
    auth: 'user',
    summary: 'Leave; a leaving host passes the role on',
    tags,
    params: WatchParams,
    response: Ok,
  }),
  handOver: endpoint({
    method: 'POST',
    path: '/api/v1/watch/:id/host',
    auth: 'user',
    summary: 'Hand the host role to another member (host only)',
    tags,
    params: WatchParams,
    body: HandOverBody,
    response: WatchParty,
  }),
  setControl: endpoint({
    method: 'PUT',
    path: '/api/v1/watch/:id/control',
    auth: 'user',
    summary: 'Who controls playback: the host, host and co-hosts, or everyone (host only)',
    tags,
    params: WatchParams,
    body: SetControlBody,
    response: WatchParty,
  }),
  addToPlaylist: endpoint({
    method: 'POST',
    path: '/api/v1/watch/:id/playlist',
    auth: 'user',
    summary: 'Add videos to the playlist (whoever may control)',
    tags,
    params: WatchParams,
    body: AddToPlaylistBody,
    response: WatchParty,
  }),
};
