// The service worker: the app shell offline, updates on the person's word, and web push.
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import type { PushMessage } from '@tremolo/protocol';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

// The built files (scripts, styles, strings, icons, index.html) are cached at install, so the app
// opens without a network; API calls, media and the socket always go to the network.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//, /^\/media\//, /^\/ws/] }));

// A new version waits until the person taps "reload" in the app's update prompt.
self.addEventListener('message', (e) => {
  if ((e.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

/** Whether the app is open and focused in some window: then the in-app badge and toast are enough. */
async function appFocused(): Promise<boolean> {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  return windows.some((w) => w.focused && w.visibilityState === 'visible');
}

function parse(e: PushEvent): PushMessage | null {
  try {
    const m = e.data?.json() as PushMessage | undefined;
    return m && (m.type === 'show' || m.type === 'clear') ? m : null;
  } catch {
    return null;
  }
}

self.addEventListener('push', (e) => {
  const m = parse(e);
  if (!m) return;
  e.waitUntil(
    (async () => {
      if (m.type === 'clear') {
        // Read on another device: close what is shown here (tags are time-ordered inbox ids).
        for (const n of await self.registration.getNotifications()) {
          if (m.tags ? m.tags.includes(n.tag) : m.upTo === null || n.tag <= m.upTo) n.close();
        }
        return;
      }
      // The server already skips devices whose app is focused; this covers a focus it has not heard of yet.
      if (await appFocused()) return;
      await self.registration.showNotification(m.title, {
        body: m.body,
        tag: m.tag,
        icon: '/icon-192.png',
        badge: '/icon-192.png',
        data: { url: m.url, kind: m.kind },
      });
    })(),
  );
});

self.addEventListener('notificationclick', (e) => {
  e.notification.close();
  const url = new URL((e.notification.data as { url?: string } | null)?.url ?? '/', self.location.origin);
  // Only this app's own pages: the URL came from our server, but it is checked all the same.
  const target = url.origin === self.location.origin ? url.href : self.location.origin;
  e.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows[0];
      if (open) {
        await open.focus();
        await open.navigate(target);
        return;
      }
      await self.clients.openWindow(target);
    })(),
  );
});
