import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, type Notification as NotificationT } from '@tremolo/protocol';
import { call } from './client.ts';
import { useSession } from './session.tsx';

const PAGE_SIZE = 20;

export interface InboxState {
  unread: number;
  items: NotificationT[];
  /** True once the first page has arrived. */
  loaded: boolean;
  loading: boolean;
  error: unknown;
  hasMore: boolean;
  loadFirst(): void;
  loadMore(): void;
  markAllRead(): Promise<void>;
  /** Hears each notification the moment it arrives (the Friends list refreshes on a new friend). */
  onLive(listener: (n: NotificationT) => void): () => void;
}

const InboxContext = createContext<InboxState | null>(null);

/** Newest first; ids are time-ordered UUIDv7, so comparing them compares creation times. */
function merge(a: NotificationT[], b: NotificationT[]): NotificationT[] {
  const byId = new Map<string, NotificationT>();
  for (const n of [...a, ...b]) byId.set(n.id, n);
  return [...byId.values()].sort((x, y) => (x.id < y.id ? 1 : x.id > y.id ? -1 : 0));
}

/**
 * The person's notifications: the unread count for the tab badge, the list for the inbox,
 * both kept current by `user:<id>` events on the realtime socket.
 */
export function InboxProvider({ children }: { children: ReactNode }) {
  const { me, realtime } = useSession();
  const [unread, setUnread] = useState(0);
  const [items, setItems] = useState<NotificationT[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const seen = useRef(new Set<string>());
  const loadedRef = useRef(false);
  loadedRef.current = loaded;
  const listeners = useRef(new Set<(n: NotificationT) => void>());
  const userId = me?.id ?? null;

  const refreshUnread = useCallback(() => {
    call(api.notifications.unreadCount)
      .then((r) => setUnread(r.unread))
      .catch(() => undefined); // The badge is a hint; the inbox itself shows load errors.
  }, []);

  const fetchPage = useCallback(async (after: string | null) => {
    setLoading(true);
    setError(null);
    try {
      const p = await call(api.notifications.list, { query: { limit: PAGE_SIZE, ...(after ? { cursor: after } : {}) } });
      for (const n of p.items) seen.current.add(n.id);
      setItems((prev) => merge(prev, p.items));
      if (after !== null || !loadedRef.current) setCursor(p.nextCursor);
      setLoaded(true);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }, []);

  // Everything resets when the person changes (log out, log in as someone else).
  useEffect(() => {
    setUnread(0);
    setItems([]);
    setCursor(null);
    setLoaded(false);
    setError(null);
    seen.current = new Set();
    if (userId) refreshUnread();
  }, [userId, refreshUnread]);

  useEffect(() => {
    if (!realtime || !userId) return;
    return realtime.subscribe(
      `user:${userId}`,
      (ev) => {
        if (ev.body.kind !== 'notification') return;
        const n = ev.body.notification;
        // A replay after a reconnect can repeat what a page already holds.
        if (seen.current.has(n.id)) return;
        seen.current.add(n.id);
        setItems((prev) => merge([n], prev));
        if (!n.read) setUnread((u) => u + 1);
        for (const l of listeners.current) l(n);
      },
      () => {
        // From this moment nothing is missed live, so what came before is fetched now.
        refreshUnread();
        if (loadedRef.current) void fetchPage(null);
      },
    );
  }, [realtime, userId, refreshUnread, fetchPage]);

  const loadFirst = useCallback(() => void fetchPage(null), [fetchPage]);

  const value = useMemo<InboxState>(
    () => ({
      unread,
      items,
      loaded,
      loading,
      error,
      hasMore: cursor !== null,
      loadFirst,
      loadMore: () => void (cursor && fetchPage(cursor)),
      markAllRead: async () => {
        const newest = items[0];
        if (!newest) return;
        // Up to the newest one shown, so a notification arriving meanwhile stays unread.
        await call(api.notifications.markRead, { body: { upTo: newest.id } });
        setItems((prev) => prev.map((n) => (n.id <= newest.id ? { ...n, read: true } : n)));
        refreshUnread();
      },
      onLive: (l) => {
        listeners.current.add(l);
        return () => listeners.current.delete(l);
      },
    }),
    [unread, items, loaded, loading, error, cursor, fetchPage, loadFirst, refreshUnread],
  );
  return <InboxContext.Provider value={value}>{children}</InboxContext.Provider>;
}

export function useInbox(): InboxState {
  const v = useContext(InboxContext);
  if (!v) throw new Error('useInbox outside InboxProvider');
  return v;
}
