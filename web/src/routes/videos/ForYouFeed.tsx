import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { FeedItem } from '@tremolo/protocol';
import { VideoPager } from '../../components/video/VideoPager.tsx';
import { videosApi } from '../../components/video/videoApi.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { InterestsPrompt, useInterestsPrompt } from './Interests.tsx';
import { appendNew } from './feedItems.ts';

const PAGE = 6;

/** The home screen: For You, a swipe feed that asks the server for a new page as the person nears the end. */
export function ForYouFeed({ discover }: { discover: ReactNode }) {
  const { t } = useI18n();
  const { me } = useSession();
  const [items, setItems] = useState<FeedItem[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [hasMore, setHasMore] = useState(true);
  const [generation, setGeneration] = useState(0);
  const busy = useRef(false);
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const prompt = useInterestsPrompt();
  const generationRef = useRef(0);

  const fetchPage = useCallback(async (gen: number, fresh: boolean) => {
    if (busy.current && !fresh) return;
    busy.current = true;
    setLoading(true);
    setError(null);
    try {
      const p = await videosApi.forYou(PAGE);
      if (gen !== generationRef.current) return;
      const r = appendNew(fresh ? [] : itemsRef.current, p.items);
      itemsRef.current = r.items;
      setItems(r.items);
      // A page that brings nothing new means the person has seen all there is for now.
      setHasMore(p.nextCursor !== null && r.added > 0);
    } catch (e) {
      if (gen === generationRef.current) setError(e);
    } finally {
      if (gen === generationRef.current) {
        busy.current = false;
        setLoading(false);
      }
    }
  }, []);
  // A new person (or one who just picked interests) starts over.
  useEffect(() => {
    const gen = ++generationRef.current;
    busy.current = false;
    itemsRef.current = [];
    setItems([]);
    setHasMore(true);
    void fetchPage(gen, true);
  }, [fetchPage, generation, me?.id]);

  const loadMore = useCallback(() => void fetchPage(generationRef.current, false), [fetchPage]);

  const overlay = (
    <>
      <Link to="/discover" className="vside vside-left" data-testid="foryou-discover">
        {t('videos.discover')}
      </Link>
      <nav className="vtabs">
        <span className="active" data-testid="foryou-title">
          {t('videos.forYou')}
        </span>
      </nav>
    </>
  );

  return (
    <div className="vscreen-host" data-testid="foryou">
      <VideoPager
        items={items}
        setItems={setItems}
        loadMore={loadMore}
        hasMore={hasMore}
        loading={loading}
        error={error}
        onRetry={loadMore}
        overlay={overlay}
        dismissable
        reasons
        testId="foryou-feed"
        empty={
          <div className="stack">
            <p className="muted" data-testid="foryou-empty">
              {t('videos.feedEmpty')}
            </p>
            {discover}
          </div>
        }
      />
      {prompt.show && (
        <div className="vinterests-overlay" data-testid="interests-overlay">
          <InterestsPrompt
            onDone={(saved) => {
              prompt.dismiss();
              if (saved) setGeneration((g) => g + 1);
            }}
          />
        </div>
      )}
    </div>
  );
}
