import { useCallback, useEffect, useMemo, useRef, type ReactNode } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { Badges, Notification as NotificationT } from '@tremolo/protocol';
import { call } from './client.ts';
import { keyOf, pagesKeyOf, useApiMutation, useApiPages, useApiQuery, type Pages } from './queries.ts';
import { useSession } from './session.tsx';

const LIST_ARGS = { query: { limit: 20 } };
const LIST_KEY = pagesKeyOf(api.notifications.list, LIST_ARGS);
const BADGES_KEY = keyOf(api.notifications.badges);

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
    case 'mention':
    case 'join_request':
      // A mention: the conversations list shows it.
      void client.invalidateQueries({ queryKey: keyOf(api.groups.mine) });
      break;
    default:
      break;
  }
}

/** Marks notifications read in the cached list (the server's counts arrive as a `badges` event). */
function markCachedRead(client: QueryClient, read: (n: NotificationT) => boolean): void {
  client.setQueryData<Pages<NotificationT>>(
    LIST_KEY,
    (prev) =>
      prev && {
        ...prev,
        pages: prev.pages.map((p) => ({ ...p, items: p.items.map((n) => (!n.read && read(n) ? { ...n, read: true } : n)) })),
      },
  );
}

/**
 * Keeps the person's notifications and Messages tab counts current in the cache. The counts are
 * the server's: every change (a notification, a DM, something read on another tab or device)
 * arrives as a `badges` event on `user:<id>`, and (re)subscribing reads them again.
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
        if (ev.body.kind === 'badges') {
          const { notifications, chats } = ev.body;
          const prev = client.getQueryData<Badges>(BADGES_KEY);
          client.setQueryData<Badges>(BADGES_KEY, { notifications, chats });
          // The conversations list shows per-chat counts and previews: read it again when DMs or groups moved.
          if (prev?.chats !== chats) {
            void client.invalidateQueries({ queryKey: keyOf(api.dms.list) });
            void client.invalidateQueries({ queryKey: keyOf(api.groups.mine) });
          }
          // Read elsewhere: nothing unread any more here either.
          if (notifications === 0) markCachedRead(client, () => true);
          else if (prev && notifications < prev.notifications) void client.invalidateQueries({ queryKey: LIST_KEY });
          return;
        }
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
        refreshFor(client, n);
      },
      () => {
        // From this moment nothing is missed live, so what came before is read now.
        void client.invalidateQueries({ queryKey: BADGES_KEY });
        void client.invalidateQueries({ queryKey: LIST_KEY });
      },
    );
  }, [realtime, userId, client]);

  return children;
}

/** The Messages tab counts (unread notifications, unread DMs); a hint, so a failed read shows none. */
export function useBadges(): Badges & { total: number } {
  const { me } = useSession();
  const b = useApiQuery(api.notifications.badges, undefined, { enabled: me !== null }).data;
  const notifications = b?.notifications ?? 0;
  const chats = b?.chats ?? 0;
  return { notifications, chats, total: notifications + chats };
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
    invalidates: [api.notifications.badges],
    onSuccess: (_, args) => {
      const upTo = args?.body.upTo;
      if (upTo) markCachedRead(client, (n) => n.id <= upTo);
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

/**
 * Marks notifications read as they are seen on screen or opened, one by one: ids gather for a
 * moment and go in one request; the counts (and the dots, with the list read again) follow.
 */
export function useMarkSeen(): (id: string) => void {
  const pending = useRef(new Set<string>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const tries = useRef(new Map<string, number>());
  const alive = useRef(true);
  const client = useQueryClient();
  const flush = useCallback(() => {
    timer.current = null;
    const ids = [...pending.current].slice(0, 100);
    for (const id of ids) pending.current.delete(id);
    if (ids.length === 0) return;
    call(api.notifications.markRead, { body: { ids } }).then(
      () => void client.invalidateQueries({ queryKey: BADGES_KEY }),
      () => {
        // Offline, or the server restarting: a lost mark would leave the badge up, so try again, backing off.
        let attempt = 0;
        for (const id of ids) {
          attempt = (tries.current.get(id) ?? 0) + 1;
          if (attempt > 6) continue;
          tries.current.set(id, attempt);
          pending.current.add(id);
        }
        if (alive.current && pending.current.size) timer.current ??= setTimeout(flush, 1000 * 2 ** Math.min(attempt, 5));
      },
    );
    if (pending.current.size) timer.current ??= setTimeout(flush, 300);
  }, [client]);
  // The link back (after the server restarted, say): what failed meanwhile goes at once.
  const { realtime } = useSession();
  useEffect(
    () =>
      realtime?.onStatus((status) => {
        if (status !== 'open' || pending.current.size === 0) return;
        if (timer.current) clearTimeout(timer.current);
        flush();
      }),
    [realtime, flush],
  );
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
      if (timer.current) clearTimeout(timer.current);
      flush();
    };
  }, [flush]);
  return useCallback(
    (id: string) => {
      pending.current.add(id);
      timer.current ??= setTimeout(flush, 300);
    },
    [flush],
  );
}
