import * as api from '@tremolo/protocol/api';
import type { PushPrefs } from '@tremolo/protocol';
import { call } from './client.ts';
import type { Lang } from './i18n.tsx';
import type { RealtimeClient } from './realtime.ts';

/** This browser's push device id (from the server), kept while push is on here. */
const DEVICE_KEY = 'tremolo.push.device';
const LANG_KEY = 'tremolo.push.lang';

export type PushState = 'unsupported' | 'denied' | 'off' | 'on';

function pushSupported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

function pushDevice(): string | null {
  return localStorage.getItem(DEVICE_KEY);
}

async function registration(): Promise<ServiceWorkerRegistration> {
  const reg = await navigator.serviceWorker.getRegistration();
  if (!reg) throw new Error('service worker not registered');
  return navigator.serviceWorker.ready;
}

export async function pushState(): Promise<PushState> {
  if (!pushSupported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  const reg = await navigator.serviceWorker.getRegistration();
  const sub = reg ? await reg.pushManager.getSubscription() : null;
  return sub && pushDevice() ? 'on' : 'off';
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  const raw = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function subscriptionBody(sub: PushSubscription, lang: Lang) {
  const json = sub.toJSON();
  return { endpoint: sub.endpoint, keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' }, lang };
}

/** Asks for permission, subscribes this browser and tells the server. Returns the new state. */
export async function enablePush(lang: Lang): Promise<PushState> {
  if (!pushSupported()) return 'unsupported';
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return permission === 'denied' ? 'denied' : 'off';
  const reg = await registration();
  const { publicKey } = await call(api.push.key);
  const sub =
    (await reg.pushManager.getSubscription()) ??
    (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }));
  const { id } = await call(api.push.subscribe, { body: subscriptionBody(sub, lang) });
  localStorage.setItem(DEVICE_KEY, id);
  localStorage.setItem(LANG_KEY, lang);
  return 'on';
}

/** Unsubscribes this browser (on the server first, so nothing more is sent to it). */
export async function disablePush(): Promise<void> {
  const reg = await navigator.serviceWorker?.getRegistration();
  const sub = reg ? await reg.pushManager.getSubscription() : null;
  if (sub) {
    await call(api.push.unsubscribe, { body: { endpoint: sub.endpoint } });
    await sub.unsubscribe();
  }
  localStorage.removeItem(DEVICE_KEY);
  localStorage.removeItem(LANG_KEY);
}

/** Notifications are written in the app's language: a language change re-registers this browser. */
export async function syncPushLanguage(lang: Lang): Promise<void> {
  if (!pushDevice() || localStorage.getItem(LANG_KEY) === lang) return;
  const reg = await navigator.serviceWorker?.getRegistration();
  const sub = reg ? await reg.pushManager.getSubscription() : null;
  if (!sub) return;
  await call(api.push.subscribe, { body: subscriptionBody(sub, lang) });
  localStorage.setItem(LANG_KEY, lang);
}

/** Keeps the server told whether this tab is in front; returns the cleanup. */
export function reportFocus(client: RealtimeClient): () => void {
  const tell = () => client.setFocus(document.visibilityState === 'visible' && document.hasFocus(), pushDevice());
  tell();
  const events = ['focus', 'blur', 'visibilitychange', 'pageshow', 'pagehide'] as const;
  for (const e of events) window.addEventListener(e, tell);
  document.addEventListener('visibilitychange', tell);
  return () => {
    for (const e of events) window.removeEventListener(e, tell);
    document.removeEventListener('visibilitychange', tell);
  };
}

export const PUSH_KINDS: ReadonlyArray<keyof PushPrefs> = ['messages', 'lives', 'stage', 'orders', 'coupons'];
