import { Ok } from '../common.ts';
import { PushDevice, PushKey, PushPrefs, PushPrefsBody, PushSubscribeBody, PushUnsubscribeBody } from '../push.ts';
import { endpoint } from './endpoint.ts';

const tags = ['push'];

export const pushApi = {
  key: endpoint({
    method: 'GET',
    path: '/api/v1/push/key',
    auth: 'user',
    summary: "The server's VAPID public key, to subscribe a browser with",
    tags,
    response: PushKey,
  }),
  subscribe: endpoint({
    method: 'PUT',
    path: '/api/v1/push/subscriptions',
    auth: 'user',
    summary: "Turn push on for this browser (or move this browser's subscription to me)",
    tags,
    body: PushSubscribeBody,
    response: PushDevice,
    errors: ['rate_limited', 'validation_failed'],
  }),
  unsubscribe: endpoint({
    method: 'POST',
    path: '/api/v1/push/subscriptions/remove',
    auth: 'user',
    summary: 'Turn push off for this browser',
    tags,
    body: PushUnsubscribeBody,
    response: Ok,
    errors: ['rate_limited'],
  }),
  prefs: endpoint({
    method: 'GET',
    path: '/api/v1/push/prefs',
    auth: 'user',
    summary: 'Which kinds of push I get, and on how many devices',
    tags,
    response: PushPrefs,
  }),
  setPrefs: endpoint({
    method: 'PATCH',
    path: '/api/v1/push/prefs',
    auth: 'user',
    summary: 'Switch kinds of push on or off',
    tags,
    body: PushPrefsBody,
    response: PushPrefs,
  }),
};
