import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, type Notification as NotificationT } from '@tremolo/protocol';
import { keyOf, pagesKeyOf, useApiMutation, useApiPages, useApiQuery, type Pages } from './queries.ts';
import { useSession } from './session.tsx';

const LIST_ARGS = { query: { limit: 20 } };
const LIST_KEY = pagesKeyOf(api.notifications.list, LIST_ARGS);
const UNREAD_KEY = keyOf(api.notifications.unreadCount);

type UnreadCount = { unread: number };

/** Newest first; ids are time-ordered UUIDv7, so comparing them compares creation times. */
const newestFirst = (x: NotificationT, y: NotificationT) => (x.id < y.id ? 1 : x.id > y.id ? -1 : 0);

function isEmptyFeed(data: unknown): boolean {
  const pages = (data as Pages<unknown> | undefined)?.pages;
  return pages !== undefined && pages.every((p) => p.items.length === 0);
}

/** What a live notification changes elsewhere: lists it makes out of date are read again. */
function refreshFor(client: QueryClient, n: NotificationT): void {
  switch (n.payload.kind) {
    case 'friended':
      // The friends list gains someone; an empty Friends feed may now have videos.
      void client.invalidateQueries({ queryKey: [api.graph.friends.path] });
      void client.invalidateQueries({ queryKey: [api.feeds.friends.path], predicate: (q) => isEmptyFeed(q.state.data) });
      break;
    case 'dm':
    case 'mention':
    case 'join_request':
      // A new DM or mention: the conversations list shows it.
      void client.invalidateQueries({ queryKey: keyOf(api.dms.list) });
      void client.invalidateQueries({ queryKey: keyOf(api.groups.mine) });
      break;
    default:
      break;
  }
}

/**
 * Keeps the person's notifications current in the cache: each `user:<id>` notification event goes
 * into the cached list and the unread count, and (re)subscribing reads both again.
 */
export function InboxProvider({ children }: { children: ReactNode }) {
  const { me, realtime } = useSession();
  const client = useQueryClient();
  const userId = me?.id ?? null;
  // A replay after a reconnect can repeat what already arrived.
  const seen = useRef(new Set<string>());

  useEffect(() => {
    seen.current = new Set();
    if (!realtime || !userId) return;
    return realtime.subscribe(
      `user:${userId}`,
      (ev) => {
        if (ev.body.kind !== 'notification') return;
        const n = ev.body.notification;
        const listed = client.getQueryData<Pages<NotificationT>>(LIST_KEY)?.pages.some((p) => p.items.some((x) => x.id === n.id));
        if (seen.current.has(n.id) || listed) return;
        seen.current.add(n.id);
        client.setQueryData<Pages<NotificationT>>(LIST_KEY, (prev) =>
          prev?.pages[0]
            ? { ...prev, pages: [{ ...prev.pages[0], items: [n, ...prev.pages[0].items].sort(newestFirst) }, ...prev.pages.slice(1)] }
            : prev,
        );
        if (!n.read) client.setQueryData<UnreadCount>(UNREAD_KEY, (prev) => prev && { unread: prev.unread + 1 });
        refreshFor(client, n);
      },
      () => {
        // From this moment nothing is missed live, so what came before is read now.
        void client.invalidateQueries({ queryKey: UNREAD_KEY });
        void client.invalidateQueries({ queryKey: LIST_KEY });
      },
    );
  }, [realtime, userId, client]);

  return children;
}

/** The unread count for the tab badge; a hint, so a failed read shows nothing. */
export function useUnreadCount(): number {
  const { me } = useSession();
  return useApiQuery(api.notifications.unreadCount, undefined, { enabled: me !== null }).data?.unread ?? 0;
}

/** The notifications list, newest first, a page at a time, and marking them read. */
export function useNotifications() {
  const client = useQueryClient();
  const pages = useApiPages(api.notifications.list, LIST_ARGS);
  const items = useMemo(() => {
    const byId = new Map<string, NotificationT>();
    for (const n of pages.data?.pages.flatMap((p) => p.items) ?? []) byId.set(n.id, n);
    return [...byId.values()].sort(newestFirst);
  }, [pages.data]);
  const markRead = useApiMutation(api.notifications.markRead, {
    invalidates: [api.notifications.unreadCount],
    onSuccess: (_, args) => {
      const upTo = args?.body.upTo;
      if (!upTo) return;
      client.setQueryData<Pages<NotificationT>>(
        LIST_KEY,
        (prev) =>
          prev && {
            ...prev,
            pages: prev.pages.map((p) => ({ ...p, items: p.items.map((n) => (n.id <= upTo ? { ...n, read: true } : n)) })),
          },
      );
    },
  });
  const newest = items[0];
  return {
    pages,
    items,
    markRead,
    // Up to the newest one shown, so a notification arriving meanwhile stays unread.
    markAllRead: () => newest && markRead.mutate({ body: { upTo: newest.id } }),
  };
}
