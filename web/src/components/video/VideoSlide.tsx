import { Fragment, lazy, Suspense, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { preload } from 'react-dom';
import { Link, useNavigate } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { FeedItem, Video } from '@tremolo/protocol';
import { Avatar } from '../Avatar.tsx';
import { RichText } from '../RichText.tsx';
import { hashtagsIn, tagPath } from '../../lib/rich-text.ts';
import { useErrorText } from '../../lib/errors.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { useApiMutation } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';
import { CommentIcon, HeartIcon, MoreIcon, PlayIcon, ShareIcon, SoundOffIcon, SoundOnIcon, WatchTogetherIcon } from './icons.tsx';
import { ProductChip } from './ProductChip.tsx';
import { useRequireLogin } from '../share/AuthPrompt.tsx';
import { compactCount } from './videoApi.ts';
import { markFollowing, useLikeVideo } from './videoCache.ts';
import { useWatchReport } from './useWatchReport.ts';
import { takeLandingVideo } from './landingVideo.ts';
import styles from './video.module.css';
import { cx } from '../../lib/cx.ts';

// Opened by a tap, not part of the first screen: fetched when first opened.
const ReportSheet = lazy(() => import('../ReportSheet.tsx').then((m) => ({ default: m.ReportSheet })));
const ShareSheet = lazy(() => import('../share/ShareSheet.tsx').then((m) => ({ default: m.ShareSheet })));

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
  /**
   * Whether slides off screen load ahead: false while the one on screen starts, so on a slow
   * network its poster and first frames get the whole link (a neighbour shows its poster only,
   * further slides nothing yet).
   */
  loadAhead: boolean;
  /** The video on screen presented its first frames. */
  onStarted(): void;
  muted: boolean;
  onMuted(muted: boolean): void;
  onComments(video: Video): void;
  /** "Not interested": the feed drops it. */
  onDismiss?(video: Video): void;
  onToast(text: string): void;
}

/** One full-screen video of a swipe feed: the player, the caption and the action rail. */
export function VideoSlide({
  video,
  reason,
  active,
  near,
  loadAhead,
  onStarted,
  muted,
  onMuted,
  onComments,
  onDismiss,
  onToast,
}: SlideProps) {
  const { t, lang } = useI18n();
  const errorText = useErrorText();
  const { me } = useSession();
  const navigate = useNavigate();
  const ref = useRef<HTMLVideoElement>(null);
  const [paused, setPaused] = useState(false);
  const [failed, setFailed] = useState(false);
  const [burst, setBurst] = useState(0);
  const [menu, setMenu] = useState(false);
  const [sharing, setSharing] = useState(false);
  const [reporting, setReporting] = useState(false);
  const askLogin = useRequireLogin();
  const like = useLikeVideo((e) => onToast(errorText(e)));
  const notInterestedCall = useApiMutation(api.videos.notInterested);
  const client = useQueryClient();
  const follow = useApiMutation(api.graph.follow, {
    invalidates: [api.graph.following, api.graph.friends],
    onSuccess: () => {
      markFollowing(client, video.author.id);
      onToast(t('videos.followed', { name: video.author.displayName }));
    },
  });
  useEffect(() => {
    if (follow.error) onToast(errorText(follow.error));
  }, [follow.error, onToast, errorText]);
  const lastTap = useRef(0);
  const singleTap = useRef<ReturnType<typeof setTimeout> | null>(null);

  // The landing page's own <video> of this clip, loading since the HTML arrived: the slide on
  // screen at the start takes it over rather than asking for the clip again.
  const [landing] = useState(() => (active && video.streamUrl ? takeLandingVideo(video.streamUrl) : null));
  const host = useRef<HTMLDivElement>(null);
  const playerEvents = {
    playing: () => {
      if (active) onStarted();
    },
    play: () => setPaused(false),
    pause: () => setPaused(true),
    error: () => setFailed(true),
    ended: (v: HTMLVideoElement) => {
      // Loop, as a swipe feed does; the watch report has counted the completion.
      v.currentTime = 0;
      void v.play().catch(() => undefined);
    },
  };
  const events = useRef(playerEvents);
  events.current = playerEvents;

  useLayoutEffect(() => {
    const box = host.current;
    if (!landing || !box) return;
    landing.className = styles.vplayer ?? '';
    landing.preload = 'auto';
    box.append(landing);
    ref.current = landing;
    if (active) landing.setAttribute('data-testid', 'video-player');
    else landing.removeAttribute('data-testid');
    const names = ['playing', 'play', 'pause', 'error', 'ended'] as const;
    const listeners = names.map((name) => [name, () => events.current[name](landing)] as const);
    for (const [name, fn] of listeners) landing.addEventListener(name, fn);
    // It may have been playing since before the app ran.
    if (!landing.paused && landing.readyState >= HTMLMediaElement.HAVE_FUTURE_DATA) events.current.playing();
    return () => {
      for (const [name, fn] of listeners) landing.removeEventListener(name, fn);
      if (ref.current === landing) ref.current = null;
    };
  }, [landing, near, active]);

  useWatchReport(ref, video.id, active && video.streamUrl !== null, me !== null);

  // The poster on screen is the first thing worth painting: fetched ahead of everything else.
  if (active && video.posterUrl) preload(video.posterUrl, { as: 'image', fetchPriority: 'high' });

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

  // A visitor comes back to this very video (its own page), not to the top of the feed.
  const requireLogin = (returnTo = `/v/${video.id}`): boolean => askLogin({ reason: { kind: 'other' }, returnTo });

  const setLike = (on: boolean) => {
    if (!askLogin({ reason: { kind: 'like' }, action: { kind: 'like', videoId: video.id }, returnTo: `/v/${video.id}` })) return;
    if (like.isPending || video.likedByMe === on) return;
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
      // A single tap pauses and resumes, as in every swipe feed; sound has its own button.
      const v = ref.current;
      if (!v) return;
      if (v.paused) void v.play().catch(() => undefined);
      else v.pause();
    }, DOUBLE_TAP_MS);
  };

  // `/w/new` starts the party and opens it; from there the host invites friends.
  const watchTogether = () => {
    if (!requireLogin(`/w/new?video=${video.id}`)) return;
    void navigate(`/w/new?video=${video.id}`);
  };

  const openReport = () => {
    setMenu(false);
    if (!requireLogin()) return;
    setReporting(true);
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
  const linked = hashtagsIn(video.caption);
  const extraTags = video.hashtags.filter((h) => !linked.includes(h));
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
      {landing && near ? (
        <div ref={host} className={styles.vplayer} />
      ) : video.streamUrl && near ? (
        <video
          ref={ref}
          className={styles.vplayer}
          src={video.streamUrl}
          poster={video.posterUrl ?? undefined}
          preload={active || loadAhead ? 'auto' : 'none'}
          playsInline
          muted
          data-testid={active ? 'video-player' : undefined}
          onPlaying={playerEvents.playing}
          onPlay={playerEvents.play}
          onPause={playerEvents.pause}
          onError={playerEvents.error}
          onEnded={(e) => playerEvents.ended(e.currentTarget)}
        />
      ) : video.posterUrl && loadAhead ? (
        <img className={styles.vplayer} src={video.posterUrl} alt="" loading="lazy" fetchPriority="low" />
      ) : (
        <div className={cx(styles.vplayer, styles['vplayer-empty'])} />
      )}

      <button
        type="button"
        className={styles.vtap}
        onClick={onTap}
        aria-label={paused ? t('videos.play') : t('videos.pause')}
        data-testid="video-tap"
        data-paused={active && paused ? 'true' : 'false'}
      />
      {burst > 0 && (
        <span key={burst} className={styles.vburst} aria-hidden="true">
          <HeartIcon filled />
        </span>
      )}
      {active && paused && !failed && (
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
        {me && me.id !== video.author.id && !video.followingAuthor && (
          <button
            type="button"
            className={styles['vrail-follow']}
            onClick={() => follow.mutate({ params: { handle: video.author.handle } })}
            disabled={follow.isPending}
            aria-label={t('videos.followAuthor', { name: video.author.displayName })}
            title={t('videos.followAuthor', { name: video.author.displayName })}
            data-testid="video-follow"
          >
            <span aria-hidden="true">+</span>
          </button>
        )}
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
        <RailButton label={t('videos.share')} count={t('videos.share')} onClick={() => setSharing(true)} testId="video-share">
          <ShareIcon />
        </RailButton>
        <RailButton label={t('watch.title')} count={t('watch.title')} onClick={watchTogether} testId="video-watch-together">
          <WatchTogetherIcon />
        </RailButton>
        {(onDismiss || me?.id !== video.author.id) && (
          <div className={styles.vmore}>
            <RailButton label={t('chat.more')} count="" onClick={() => setMenu((m) => !m)} testId="video-more" pressed={menu}>
              <MoreIcon />
            </RailButton>
            {menu && (
              <div className={styles.vmenu} role="menu">
                {onDismiss && (
                  <button type="button" role="menuitem" onClick={notInterested} data-testid="video-not-interested">
                    {t('videos.notInterested')}
                  </button>
                )}
                {me?.id !== video.author.id && (
                  <button type="button" role="menuitem" onClick={openReport} data-testid="video-report">
                    {t('report.action')}
                  </button>
                )}
              </div>
            )}
          </div>
        )}
        {reporting && (
          <Suspense fallback={null}>
            <ReportSheet surface="video" targetId={video.id} onClose={() => setReporting(false)} />
          </Suspense>
        )}
      </div>

      {sharing && (
        <Suspense fallback={null}>
          <ShareSheet
            item={{
              target: { type: 'video', id: video.id },
              path: `/v/${video.id}`,
              title: video.caption || video.author.displayName,
              subtitle: `@${video.author.handle}`,
              image: video.posterUrl,
            }}
            onClose={() => setSharing(false)}
          />
        </Suspense>
      )}

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
            <RichText text={video.caption} linkClassName={styles['vrich-link']} />
          </p>
        )}
        {extraTags.length > 0 && (
          <p className={styles.vtags} data-testid="video-hashtags">
            {extraTags.map((h, i) => (
              <Fragment key={h}>
                {i > 0 && ' '}
                <Link to={tagPath(h)} className={styles['vrich-link']} data-testid="hashtag-link" data-tag={h}>
                  #{h}
                </Link>
              </Fragment>
            ))}
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
