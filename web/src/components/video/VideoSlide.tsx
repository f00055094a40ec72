import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { api, type FeedItem, type Video } from '@tremolo/protocol';
import { Avatar } from '../Avatar.tsx';
import { useErrorText } from '../../lib/errors.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { useApiMutation } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';
import { CommentIcon, HeartIcon, MoreIcon, PlayIcon, ShareIcon, SoundOffIcon, SoundOnIcon } from './icons.tsx';
import { ProductChip } from './ProductChip.tsx';
import { compactCount, videoUrl } from './videoApi.ts';
import { useLikeVideo } from './videoCache.ts';
import { useWatchReport } from './useWatchReport.ts';
import styles from './video.module.css';
import { cx } from '../../lib/cx.ts';

type Reason = Extract<FeedItem, { type: 'video' }>['reason'];
const REASONS: Record<Reason, MessageKey> = {
  friends: 'videos.reason.friends',
  following: 'videos.reason.following',
  interest: 'videos.reason.interest',
  fresh: 'videos.reason.fresh',
  popular: 'videos.reason.popular',
};

const DOUBLE_TAP_MS = 280;

export interface SlideProps {
  video: Video;
  reason?: Reason | null;
  /** On screen: plays and reports watch time. */
  active: boolean;
  /** Next to the one on screen: its file is loaded ahead. */
  near: boolean;
  muted: boolean;
  onMuted(muted: boolean): void;
  onComments(video: Video): void;
  /** "Not interested": the feed drops it. */
  onDismiss?(video: Video): void;
  onToast(text: string): void;
}

/** One full-screen video of a swipe feed: the player, the caption and the action rail. */
export function VideoSlide({ video, reason, active, near, muted, onMuted, onComments, onDismiss, onToast }: SlideProps) {
  const { t, lang } = useI18n();
  const errorText = useErrorText();
  const { me } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const ref = useRef<HTMLVideoElement>(null);
  const [paused, setPaused] = useState(false);
  const [failed, setFailed] = useState(false);
  const [burst, setBurst] = useState(0);
  const [menu, setMenu] = useState(false);
  const like = useLikeVideo((e) => onToast(errorText(e)));
  const notInterestedCall = useApiMutation(api.videos.notInterested);
  const lastTap = useRef(0);
  const singleTap = useRef<ReturnType<typeof setTimeout> | null>(null);

  useWatchReport(ref, video.id, active && video.streamUrl !== null, me !== null);

  useEffect(() => {
    const v = ref.current;
    if (v) v.muted = muted;
  }, [muted, near]);

  // Read at the moment playback starts, without making a sound change restart playback.
  const sound = useRef({ muted, onMuted });
  sound.current = { muted, onMuted };

  useEffect(() => {
    const v = ref.current;
    if (!v) return;
    const { muted, onMuted } = sound.current;
    if (!active) {
      v.pause();
      if (v.currentTime > 0) v.currentTime = 0;
      return;
    }
    v.muted = muted;
    void v.play().catch(() => {
      // The browser refused sound without a gesture: play muted, the person can tap for sound.
      if (!v.muted) {
        v.muted = true;
        onMuted(true);
        void v.play().catch(() => setPaused(true));
      } else setPaused(true);
    });
    // Only a change of the active slide starts or stops playback; `muted` has its own effect.
  }, [active, near]);

  useEffect(
    () => () => {
      if (singleTap.current) clearTimeout(singleTap.current);
    },
    [],
  );

  const requireLogin = (): boolean => {
    if (me) return true;
    void navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    return false;
  };

  const setLike = (on: boolean) => {
    if (!requireLogin() || like.isPending || video.likedByMe === on) return;
    like.mutate({ video, on });
  };

  const onTap = () => {
    const now = Date.now();
    if (now - lastTap.current < DOUBLE_TAP_MS) {
      lastTap.current = 0;
      if (singleTap.current) clearTimeout(singleTap.current);
      singleTap.current = null;
      setBurst((n) => n + 1);
      setLike(true);
      return;
    }
    lastTap.current = now;
    singleTap.current = setTimeout(() => {
      singleTap.current = null;
      const v = ref.current;
      if (!v) return;
      if (muted) {
        onMuted(false);
        v.muted = false;
        if (v.paused) void v.play().catch(() => undefined);
      } else if (v.paused) void v.play().catch(() => undefined);
      else v.pause();
    }, DOUBLE_TAP_MS);
  };

  const share = async () => {
    const url = videoUrl(video.id);
    try {
      await navigator.clipboard.writeText(url);
      onToast(t('videos.linkCopied'));
    } catch {
      onToast(t('videos.copyFailed', { url }));
    }
  };

  const notInterested = () => {
    setMenu(false);
    if (!requireLogin()) return;
    notInterestedCall.mutate(
      { params: { id: video.id } },
      {
        onSuccess: () => {
          onToast(t('videos.notInterestedDone'));
          onDismiss?.(video);
        },
        onError: (e) => onToast(errorText(e)),
      },
    );
  };

  const friends = video.likedByFriends;
  // Tags written in the caption already show there.
  const extraTags = video.hashtags.filter((h) => !video.caption.toLowerCase().includes(`#${h}`));
  const product = video.products[0];

  return (
    <article
      className={styles.vslide}
      data-testid="video-slide"
      data-video-id={video.id}
      data-hashtags={video.hashtags.join(' ')}
      data-active={active ? 'true' : 'false'}
      aria-label={video.caption || video.author.displayName}
    >
      {video.streamUrl && near ? (
        <video
          ref={ref}
          className={styles.vplayer}
          src={video.streamUrl}
          poster={video.posterUrl ?? undefined}
          preload="auto"
          playsInline
          muted
          data-testid={active ? 'video-player' : undefined}
          onPlay={() => setPaused(false)}
          onPause={() => setPaused(true)}
          onError={() => setFailed(true)}
          onEnded={(e) => {
            // Loop, as a swipe feed does; the watch report has counted the completion.
            e.currentTarget.currentTime = 0;
            void e.currentTarget.play().catch(() => undefined);
          }}
        />
      ) : video.posterUrl ? (
        <img className={styles.vplayer} src={video.posterUrl} alt="" loading="lazy" />
      ) : (
        <div className={cx(styles.vplayer, styles['vplayer-empty'])} />
      )}

      <button
        type="button"
        className={styles.vtap}
        onClick={onTap}
        aria-label={muted ? t('videos.unmute') : t('videos.paused')}
        data-testid="video-tap"
      />
      {burst > 0 && (
        <span key={burst} className={styles.vburst} aria-hidden="true">
          <HeartIcon filled />
        </span>
      )}
      {active && paused && !muted && !failed && (
        <span className={styles.vpaused} aria-hidden="true">
          <PlayIcon />
        </span>
      )}
      {failed && (
        <p className={styles.vfailed} role="alert">
          {t('videos.playFailed')}
        </p>
      )}

      {active && (
        <button
          type="button"
          className={cx(styles.vsound, muted && styles['vsound-off'])}
          onClick={() => onMuted(!muted)}
          data-testid="video-sound"
          aria-pressed={!muted}
        >
          {muted ? <SoundOffIcon /> : <SoundOnIcon />}
          <span>{muted ? t('videos.unmute') : t('videos.sound')}</span>
        </button>
      )}

      <div className={styles.vrail}>
        <Link
          to={`/u/${video.author.handle}`}
          className={styles['vrail-avatar']}
          data-testid="video-author-avatar"
          aria-label={video.author.displayName}
        >
          <Avatar user={video.author} size={46} />
        </Link>
        <RailButton
          label={video.likedByMe ? t('videos.unlike') : t('videos.like')}
          count={compactCount(video.likes, lang)}
          onClick={() => setLike(!video.likedByMe)}
          testId="video-like"
          pressed={video.likedByMe}
          className={video.likedByMe ? styles.liked : ''}
        >
          <HeartIcon filled />
        </RailButton>
        <RailButton
          label={t('videos.comments')}
          count={compactCount(video.comments, lang)}
          onClick={() => onComments(video)}
          testId="video-comments"
        >
          <CommentIcon />
        </RailButton>
        <RailButton label={t('videos.share')} count={t('videos.share')} onClick={() => void share()} testId="video-share">
          <ShareIcon />
        </RailButton>
        {onDismiss && (
          <div className={styles.vmore}>
            <RailButton label={t('videos.notInterested')} count="" onClick={() => setMenu((m) => !m)} testId="video-more" pressed={menu}>
              <MoreIcon />
            </RailButton>
            {menu && (
              <div className={styles.vmenu} role="menu">
                <button type="button" role="menuitem" onClick={notInterested} data-testid="video-not-interested">
                  {t('videos.notInterested')}
                </button>
              </div>
            )}
          </div>
        )}
      </div>

      <div className={styles.vinfo}>
        {product && <ProductChip product={product} context={{ surface: 'video', videoId: video.id }} visible={active} />}
        <Link to={`/u/${video.author.handle}`} className={styles.vauthor} data-testid="video-author">
          @{video.author.handle}
          {video.visibility !== 'public' && (
            <span className={styles['vtag-pill']}>{t(video.visibility === 'friends' ? 'visibility.friends' : 'visibility.private')}</span>
          )}
        </Link>
        {video.caption && (
          <p className={styles.vcaption} data-testid="video-caption">
            {video.caption}
          </p>
        )}
        {extraTags.length > 0 && (
          <p className={styles.vtags} data-testid="video-hashtags">
            {extraTags.map((h) => `#${h}`).join(' ')}
          </p>
        )}
        {friends.length > 0 && (
          <p className={styles.vsocial} data-testid="video-liked-by-friends">
            <HeartIcon filled />
            {friends.length === 1
              ? t('videos.likedBy', { name: friends[0]!.displayName })
              : t('videos.likedByMore', { name: friends[0]!.displayName, count: friends.length - 1 })}
          </p>
        )}
        {reason && friends.length === 0 && <span className={styles.vreason}>{t(REASONS[reason])}</span>}
      </div>
    </article>
  );
}

function RailButton({
  label,
  count,
  onClick,
  testId,
  pressed,
  className = '',
  children,
}: {
  label: string;
  count: string;
  onClick(): void;
  testId: string;
  pressed?: boolean;
  className?: string;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      className={cx(styles['vrail-btn'], className)}
      onClick={onClick}
      aria-label={label}
      aria-pressed={pressed}
      data-testid={testId}
    >
      {children}
      {count && <span data-testid={`${testId}-count`}>{count}</span>}
    </button>
  );
}
