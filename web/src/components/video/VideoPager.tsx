import { lazy, Suspense, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { FeedItem, ProductCard, Video } from '@tremolo/protocol';
import { ErrorMessage } from '../Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { ProductChip } from './ProductChip.tsx';
import { VideoSlide } from './VideoSlide.tsx';
import styles from './video.module.css';
import { cx } from '../../lib/cx.ts';

// Opened by a tap, not part of the first screen: fetched when first opened.
const CommentsSheet = lazy(() => import('./CommentsSheet.tsx').then((m) => ({ default: m.CommentsSheet })));

/** Sound stays as the person set it while they move between feeds in this tab. */
let sessionMuted = true;
const WHEEL_COOLDOWN_MS = 450;
// How long the video on screen has to start before the others load ahead anyway.
const START_GRACE_MS = 5000;

export interface PagerProps {
  /** What to show, read from the cache: a like or a new comment reaches it there. */
  items: FeedItem[];
  /** Asked for when the person nears the end. */
  loadMore?: () => void;
  hasMore: boolean;
  loading: boolean;
  error: unknown;
  onRetry?: () => void;
  /** Shown instead of the pager when there is nothing at all. */
  empty: ReactNode;
  /** Floats over the top of the feed (tabs, links). */
  overlay?: ReactNode;
  /** Offer "not interested" (For You), and take the video off the list. */
  onDismiss?(video: Video): void;
  /** Say why each video is there (For You). */
  reasons?: boolean;
  testId: string;
}

function itemKey(item: FeedItem): string {
  return item.type === 'video' ? `v:${item.video.id}` : `p:${item.product.id}:${item.viaVideoId ?? ''}`;
}

/**
 * The vertical, full-screen swipe feed: one item per screen with scroll snapping (touch swipe),
 * arrow keys and one item per wheel gesture on desktop. The item on screen plays; the next one
 * is loaded ahead; the rest are posters.
 */
export function VideoPager({
  items,
  loadMore,
  hasMore,
  loading,
  error,
  onRetry,
  empty,
  overlay,
  onDismiss,
  reasons = false,
  testId,
}: PagerProps) {
  const { t } = useI18n();
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  // Until the video on screen plays, the others wait (a neighbour loads its poster only): on a
  // slow network the first video gets the whole link; after that they load ahead so a swipe starts at once.
  const [started, setStarted] = useState(false);
  useEffect(() => {
    // A video that never plays (autoplay refused, a broken file) must not hold the others back.
    const timer = setTimeout(() => setStarted(true), START_GRACE_MS);
    return () => clearTimeout(timer);
  }, []);
  const [muted, setMutedState] = useState(sessionMuted);
  const [commentsOf, setCommentsOf] = useState<string | null>(null);
  // The sheet shows the video as the list has it now (its comment count moves as comments are posted).
  const commented = items.find((it) => it.type === 'video' && it.video.id === commentsOf);
  const comments = commented?.type === 'video' ? commented.video : null;
  const sheetOpen = comments !== null;
  const [toast, setToast] = useState<{ text: string; n: number } | null>(null);
  const wheelAt = useRef(0);
  const activeRef = useRef(0);
  activeRef.current = active;
  const total = items.length + (hasMore || loading || error !== null ? 1 : items.length > 0 ? 1 : 0);

  const setMuted = useCallback((m: boolean) => {
    sessionMuted = m;
    setMutedState(m);
  }, []);

  const go = useCallback(
    (index: number) => {
      const el = scroller.current;
      if (!el) return;
      const i = Math.max(0, Math.min(total - 1, index));
      el.scrollTo({ top: i * el.clientHeight, behavior: 'smooth' });
    },
    [total],
  );

  // Which item fills the screen, from the scroll position.
  const onScroll = () => {
    const el = scroller.current;
    if (!el || el.clientHeight === 0) return;
    const i = Math.round(el.scrollTop / el.clientHeight);
    if (i !== activeRef.current) setActive(i);
  };

  useEffect(() => {
    if (loadMore && hasMore && !loading && error === null && active >= items.length - 2) loadMore();
  }, [active, items.length, hasMore, loading, error, loadMore]);

  // A dismissed item above the screen would shift everything; keep the index in range.
  useEffect(() => {
    if (active > 0 && active >= total) setActive(Math.max(0, total - 1));
  }, [active, total]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (sheetOpen) return;
      const target = e.target;
      if (target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
      if (e.key === 'ArrowDown' || e.key === 'PageDown' || e.key === 'j') {
        e.preventDefault();
        go(activeRef.current + 1);
      } else if (e.key === 'ArrowUp' || e.key === 'PageUp' || e.key === 'k') {
        e.preventDefault();
        go(activeRef.current - 1);
      } else if (e.key === 'm') setMuted(!sessionMuted);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [go, sheetOpen, setMuted]);

  const hasItems = items.length > 0;
  // One wheel gesture moves one item; trackpads send dozens of small events per flick.
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      if (e.ctrlKey || Math.abs(e.deltaY) < Math.abs(e.deltaX)) return;
      e.preventDefault();
      const now = Date.now();
      if (Math.abs(e.deltaY) < 4 || now - wheelAt.current < WHEEL_COOLDOWN_MS) {
        wheelAt.current = now;
        return;
      }
      wheelAt.current = now;
      go(activeRef.current + (e.deltaY > 0 ? 1 : -1));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [go, hasItems]);

  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), 2600);
    return () => clearTimeout(timer);
  }, [toast]);

  const showToast = useCallback((text: string) => setToast((prev) => ({ text, n: (prev?.n ?? 0) + 1 })), []);
  const openComments = useCallback((v: Video) => setCommentsOf(v.id), []);

  if (items.length === 0) {
    return (
      <div className={cx(styles.vscreen, styles['vscreen-flat'])} data-testid={testId}>
        {overlay && <div className={cx(styles.voverlay, styles['voverlay-flat'])}>{overlay}</div>}
        <div className={styles.vflat}>
          {error !== null ? (
            <ErrorMessage error={error} onRetry={onRetry} testId={`${testId}-error`} />
          ) : loading ? (
            <PagerLoading />
          ) : (
            empty
          )}
        </div>
      </div>
    );
  }

  return (
    <div className={styles.vscreen} data-testid={testId}>
      {overlay && <div className={styles.voverlay}>{overlay}</div>}
      <div className={styles.vpager} ref={scroller} onScroll={onScroll} data-testid={`${testId}-pager`}>
        {items.map((item, i) =>
          item.type === 'video' ? (
            <VideoSlide
              key={itemKey(item)}
              video={item.video}
              reason={reasons ? item.reason : null}
              active={i === active}
              near={Math.abs(i - active) <= 1}
              loadAhead={started}
              onStarted={() => setStarted(true)}
              muted={muted}
              onMuted={setMuted}
              onComments={openComments}
              onDismiss={onDismiss}
              onToast={showToast}
            />
          ) : (
            <ProductSlide key={itemKey(item)} product={item.product} viaVideoId={item.viaVideoId} active={i === active} />
          ),
        )}
        {total > items.length && (
          <div className={cx(styles.vslide, styles['vslide-end'])} data-testid={`${testId}-end`}>
            {error !== null ? (
              <ErrorMessage error={error} onRetry={onRetry} />
            ) : loading || hasMore ? (
              <PagerLoading />
            ) : (
              <p className="muted">{t('videos.feedEnd')}</p>
            )}
          </div>
        )}
      </div>
      <div className={styles.vnav} aria-hidden="false">
        <button
          type="button"
          className={styles['vnav-btn']}
          onClick={() => go(active - 1)}
          disabled={active === 0}
          aria-label={t('videos.prev')}
          data-testid="video-prev"
        >
          ‹
        </button>
        <button
          type="button"
          className={styles['vnav-btn']}
          onClick={() => go(active + 1)}
          disabled={active >= total - 1}
          aria-label={t('videos.next')}
          data-testid="video-next"
        >
          ›
        </button>
      </div>
      {toast && (
        <div key={toast.n} className={styles.vtoast} role="status" data-testid="video-toast">
          {toast.text}
        </div>
      )}
      {comments && (
        <Suspense fallback={null}>
          <CommentsSheet video={comments} onClose={() => setCommentsOf(null)} />
        </Suspense>
      )}
    </div>
  );
}

function PagerLoading() {
  const { t } = useI18n();
  return (
    <div className="loading" role="status" data-testid="feed-loading">
      <span className="spinner" aria-hidden="true" />
      {t('common.loading')}
    </div>
  );
}

/** A product the feed suggests, as its own screen between videos. */
function ProductSlide({ product, viaVideoId, active }: { product: ProductCard; viaVideoId: string | null; active: boolean }) {
  const { t } = useI18n();
  return (
    <article className={cx(styles.vslide, styles['vslide-product'])} data-testid="feed-product" data-product-id={product.id}>
      {product.imageUrl && <img className={styles['vproduct-bg']} src={product.imageUrl} alt="" loading="lazy" />}
      <div className={styles.vproduct}>
        <span className={styles.vreason}>{t('videos.productSuggested')}</span>
        <ProductChip product={product} context={{ surface: 'feed', videoId: viaVideoId }} visible={active} large />
      </div>
    </article>
  );
}
