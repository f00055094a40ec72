import { useCallback, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { useInfiniteQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { FeedItem, FeedPage } from '@tremolo/protocol';
import { VideoPager } from '../../components/video/VideoPager.tsx';
import { dropFromForYou } from '../../components/video/videoCache.ts';
import type { ApiError } from '../../lib/api.ts';
import { call } from '../../lib/client.ts';
import { FOR_YOU_PAGE } from '../../lib/early-url.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { pagesKeyOf, type Pages } from '../../lib/queries.ts';
import { InterestsPrompt, useInterestsPrompt } from './Interests.tsx';
import { appendNew, feedItems } from './feedItems.ts';
import styles from '../../components/video/video.module.css';
import { cx } from '../../lib/cx.ts';

const ARGS = { query: { limit: FOR_YOU_PAGE } };
const KEY = pagesKeyOf(api.feeds.forYou, ARGS);

/** A page of For You, and whether it brought anything the feed did not hold yet. */
type ForYouPage = FeedPage & { fresh: boolean };

const flatten = (data: InfiniteData<ForYouPage, number>) => feedItems(data.pages);

// The first page asked for at startup, before the session check answers (see first-screen.ts).
let early: Promise<FeedPage> | null = null;

/**
 * Asks for For You's first page now. The request carries the session cookie, so the server
 * answers for whoever is signed in, exactly as the feed's own first call would; the feed takes
 * this answer instead of asking again (each call serves new videos, so it is used once).
 */
export function startForYouEarly(): void {
  early = call(api.feeds.forYou, ARGS);
  // A failure is the feed's to show: it asks again itself.
  early.catch(() => undefined);
}

function firstPage(): Promise<FeedPage> {
  const started = early;
  early = null;
  return started ? started.catch(() => call(api.feeds.forYou, ARGS)) : call(api.feeds.forYou, ARGS);
}

/** The home screen: For You, a swipe feed that asks the server for a new page as the person nears the end. */
export function ForYouFeed({ discover }: { discover: ReactNode }) {
  const { t } = useI18n();
  const client = useQueryClient();
  const prompt = useInterestsPrompt();
  const feed = useInfiniteQuery<ForYouPage, ApiError, FeedItem[], typeof KEY, number>({
    queryKey: KEY,
    initialPageParam: 0,
    // The server serves what this person has not been served yet, so no cursor is sent.
    queryFn: async ({ pageParam }) => {
      const p = await (pageParam === 0 ? firstPage() : call(api.feeds.forYou, ARGS));
      const held = pageParam === 0 ? [] : feedItems(client.getQueryData<Pages<FeedItem>>(KEY)?.pages ?? []);
      return { ...p, fresh: appendNew(held, p.items).added > 0 };
    },
    // A page that brings nothing new means the person has seen all there is for now.
    getNextPageParam: (last, all) => (last.nextCursor !== null && last.fresh ? all.length : undefined),
    select: flatten,
    // Pages are never read again (each call serves new videos); leaving the feed and coming back starts a new one.
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    refetchOnReconnect: false,
  });
  const { isFetching, fetchNextPage } = feed;
  const loadMore = useCallback(() => void (isFetching || fetchNextPage()), [isFetching, fetchNextPage]);
  const items = feed.data ?? [];

  const overlay = (
    <>
      <Link to="/discover" className={cx(styles.vside, styles['vside-left'])} data-testid="foryou-discover">
        {t('videos.discover')}
      </Link>
      <nav className={styles.vtabs}>
        <span className="active" data-testid="foryou-title">
          {t('videos.forYou')}
        </span>
      </nav>
    </>
  );

  return (
    <div className={styles['vscreen-host']} data-testid="foryou">
      <VideoPager
        items={items}
        loadMore={loadMore}
        hasMore={feed.hasNextPage || feed.isPending}
        loading={feed.isPending || feed.isFetchingNextPage}
        error={feed.error}
        onRetry={() => void (feed.data ? feed.fetchNextPage() : feed.refetch())}
        overlay={overlay}
        onDismiss={(v) => dropFromForYou(client, v.id)}
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
        <div className={styles['vinterests-overlay']} data-testid="interests-overlay">
          <InterestsPrompt
            onDone={(saved) => {
              prompt.dismiss();
              // Picked interests start the feed over.
              if (saved) void client.resetQueries({ queryKey: KEY });
            }}
          />
        </div>
      )}
    </div>
  );
}
