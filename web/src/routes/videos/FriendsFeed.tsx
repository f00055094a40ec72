import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { FeedItem } from '@tremolo/protocol';
import { VideoPager } from '../../components/video/VideoPager.tsx';
import { videosApi } from '../../components/video/videoApi.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useInbox } from '../../lib/inbox.tsx';
import { appendNew } from './feedItems.ts';

/**
 * 朋友: videos of mutual follows, newest first, friends-only posts included, each with the
 * friends who liked it. `tabs` switches to the friends list; `fallback` shows under an empty feed.
 */
export function FriendsFeed({ tabs, fallback }: { tabs: ReactNode; fallback: ReactNode }) {
  const { t } = useI18n();
  const { onLive } = useInbox();
  const [items, setItems] = useState<FeedItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [reloadKey, setReloadKey] = useState(0);
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const busy = useRef(false);
  const generation = useRef(0);

  const fetchPage = useCallback(async (after: string | null) => {
    if (busy.current) return;
    busy.current = true;
    const gen = generation.current;
    setLoading(true);
    setError(null);
    try {
      const p = await videosApi.friends(after);
      if (gen !== generation.current) return;
      const r = appendNew(after ? itemsRef.current : [], p.items);
      itemsRef.current = r.items;
      setItems(r.items);
      setCursor(p.nextCursor);
    } catch (e) {
      if (gen === generation.current) setError(e);
    } finally {
      if (gen === generation.current) {
        busy.current = false;
        setLoading(false);
      }
    }
  }, []);

  useEffect(() => {
    generation.current++;
    busy.current = false;
    void fetchPage(null);
  }, [fetchPage, reloadKey]);

  // A new friend brings their videos.
  useEffect(
    () =>
      onLive((n) => {
        if (n.payload.kind === 'friended' && itemsRef.current.length === 0) setReloadKey((k) => k + 1);
      }),
    [onLive],
  );

  return (
    <VideoPager
      items={items}
      setItems={setItems}
      loadMore={() => void fetchPage(cursor)}
      hasMore={cursor !== null}
      loading={loading}
      error={error}
      onRetry={() => void fetchPage(items.length ? cursor : null)}
      overlay={tabs}
      testId="friends-feed"
      empty={
        <div className="stack">
          <p className="muted" data-testid="friends-feed-empty">
            {t('friendsFeed.empty')}
          </p>
          {fallback}
        </div>
      }
    />
  );
}
