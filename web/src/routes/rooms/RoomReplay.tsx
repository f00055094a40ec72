import { lazy, Suspense, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import type { Room } from '@tremolo/protocol';
import { Avatar } from '../../components/Avatar.tsx';
import { ProductCard } from '../../components/shop/index.ts';
import { clock } from '../../components/shop/live.ts';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { ApiError } from '../../lib/api.ts';
import { urlOf } from '../../lib/client.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiQuery } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';
import { attachHls } from './hls.ts';
import { SummaryGrid } from './RoomSummaryView.tsx';
import { cx } from './cx.ts';
import styles from './RoomReplay.module.css';
import shared from './shared.module.css';

// The checkout's code loads only when someone buys.
const BuySheet = lazy(() => import('../shop/BuySheet.tsx'));

declare global {
  interface Window {
    /** The replay player's state, for end-to-end tests. */
    __replay?: { status: ReplayStatus; video: HTMLVideoElement | null };
  }
}

type ReplayStatus = 'loading' | 'playing' | 'paused' | 'broken';

/** Entering was refused because the room has ended: its replay when it has one, else that refusal. */
export function EndedRoom({ id, refusal }: { id: string; refusal: ApiError }) {
  const [params] = useSearchParams();
  const room = useApiQuery(api.rooms.get, { params: { id } }, { retry: false });
  if (room.isPending) return <Loading testId="room-loading" />;
  if (room.data?.replay) return <RoomReplay room={room.data} startSec={secondsOf(params.get('t'))} />;
  return <ErrorMessage error={refusal} overrides={{ invalid_state: 'rooms.endedAlready' }} testId="room-error" />;
}

/** Enough for the broadcast job to close the recording after the end; then nobody asks again. */
const REPLAY_WAIT_MS = 60_000;

/**
 * For someone who was watching when the room ended: once its recording is closed (a few seconds
 * after the end), a button to watch the replay without leaving the page.
 */
export function ReplayOffer({ roomId, onWatch }: { roomId: string; onWatch: (room: Room) => void }) {
  const { t } = useI18n();
  const [since] = useState(() => Date.now());
  const room = useApiQuery(
    api.rooms.get,
    { params: { id: roomId } },
    { refetchInterval: (q) => (q.state.data?.replay || Date.now() - since > REPLAY_WAIT_MS ? false : 2000), retry: false },
  );
  const ready = room.data?.replay ? room.data : null;
  if (!ready) return null;
  return (
    <button type="button" className="btn btn-primary" onClick={() => onWatch(ready)} data-testid="room-watch-replay">
      {t('rooms.replay.watch')}
    </button>
  );
}

/** `?t=` of a link into the replay: whole or fractional seconds, else nothing. */
function secondsOf(v: string | null): number | null {
  const n = v === null ? Number.NaN : Number.parseFloat(v);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/**
 * 回放: an ended room's recorded broadcast, with the moments the host showed a product (讲解).
 * Tapping a moment's time jumps the player there; its card buys the product in the same sheet as
 * the live, attributed to the room. `startSec` (the link's `?t=`) is where playing starts.
 */
export function RoomReplay({ room, startSec }: { room: Room; startSec: number | null }) {
  const { t } = useI18n();
  const { me } = useSession();
  const video = useRef<HTMLVideoElement>(null);
  const [buying, setBuying] = useState<string | null>(null);
  const [now, setNow] = useState(startSec ?? 0);
  const moments = useApiQuery(api.rooms.moments, { params: { id: room.id } });
  const mine = me?.id === room.host.id;
  const summary = useApiQuery(api.rooms.summary, { params: { id: room.id } }, { enabled: mine });
  const via = useMemo(() => ({ surface: 'room' as const, surfaceId: room.id }), [room.id]);
  const items = (moments.data?.items ?? []).filter((m) => m.product !== null);
  // The moment being shown: the last one the player has passed.
  const current = items.reduce<number>((at, m, i) => (m.replayOffsetMs !== null && m.replayOffsetMs / 1000 <= now + 0.25 ? i : at), -1);

  const seek = (sec: number) => {
    const el = video.current;
    if (!el) return;
    el.currentTime = sec;
    setNow(sec);
    void el.play().catch(() => undefined);
  };

  return (
    <section className={`${shared.page} wide`} data-testid="room-replay" data-room={room.id}>
      <header className={styles.head}>
        <span className={styles.badge}>{t('rooms.replay.badge')}</span>
        <h1 data-testid="room-title">{room.title}</h1>
        <Link to={`/u/${room.host.handle}`} className={styles.host}>
          <Avatar user={room.host} size={28} />
          <span className="small">{room.host.displayName}</span>
        </Link>
        {room.replay && <span className="small muted">{clock(room.replay.durationSec * 1000)}</span>}
      </header>
      <div className={styles.main}>
        <ReplayPlayer roomId={room.id} startSec={startSec} videoRef={video} onTime={setNow} />
        <aside className={styles.side}>
          <h2 className="section-title">{t('rooms.replay.moments')}</h2>
          {moments.error !== null && <ErrorMessage error={moments.error} onRetry={() => void moments.refetch()} />}
          {moments.isPending && <Loading />}
          {moments.data && items.length === 0 && <p className="small muted">{t('rooms.replay.noMoments')}</p>}
          <ol className={styles.moments} data-testid="replay-moments">
            {items.map((m, i) => (
              <li
                key={`${m.productId}-${m.at}`}
                className={cx(styles.moment, i === current && styles.current)}
                data-testid="replay-moment"
                data-offset={m.replayOffsetMs === null ? '' : String(m.replayOffsetMs / 1000)}
                data-current={i === current}
              >
                {m.replayOffsetMs !== null ? (
                  <button
                    type="button"
                    className={styles.seek}
                    onClick={() => seek(m.replayOffsetMs! / 1000)}
                    data-testid="replay-moment-seek"
                    aria-label={t('rooms.replay.seek', { time: clock(m.replayOffsetMs) })}
                  >
                    ▶ {clock(m.replayOffsetMs)}
                  </button>
                ) : (
                  <span className="small muted">{t('rooms.replay.notRecorded')}</span>
                )}
                <ProductCard card={m.product!} via={via} size="compact" testId="replay-product" onBuy={() => setBuying(m.productId)} />
              </li>
            ))}
          </ol>
          {mine && summary.data && (
            <div className="stack-tight" data-testid="replay-summary">
              <h2 className="section-title">{t('rooms.summary.title')}</h2>
              <SummaryGrid summary={summary.data} />
            </div>
          )}
        </aside>
      </div>
      {buying && (
        <Suspense fallback={null}>
          <BuySheet productId={buying} via={via} onClose={() => setBuying(null)} />
        </Suspense>
      )}
    </section>
  );
}

/** The recording as a video on demand (hls.js, the same plumbing as the live broadcast), with the browser's controls. */
function ReplayPlayer({
  roomId,
  startSec,
  videoRef,
  onTime,
}: {
  roomId: string;
  startSec: number | null;
  videoRef: RefObject<HTMLVideoElement | null>;
  onTime: (sec: number) => void;
}) {
  const { t } = useI18n();
  const [status, setStatus] = useState<ReplayStatus>('loading');
  const [attempt, setAttempt] = useState(0);
  // After a failure, playing resumes where it stopped.
  const resumeAt = useRef<number | null>(startSec);

  useEffect(() => {
    const el = videoRef.current;
    if (!el) return;
    const onPause = () => setStatus((s) => (s === 'broken' ? s : 'paused'));
    const onTimeUpdate = () => onTime(el.currentTime);
    el.addEventListener('pause', onPause);
    el.addEventListener('timeupdate', onTimeUpdate);
    const detach = attachHls(el, urlOf(api.rooms.hlsReplay, { params: { id: roomId } }), {
      config: { manifestLoadingMaxRetry: 3, levelLoadingMaxRetry: 3, fragLoadingMaxRetry: 4 },
      ...(resumeAt.current !== null ? { startSec: resumeAt.current } : {}),
      onFail: () => {
        resumeAt.current = el.currentTime || resumeAt.current;
        setStatus('broken');
      },
      onPlaying: () => setStatus('playing'),
    });
    return () => {
      el.removeEventListener('pause', onPause);
      el.removeEventListener('timeupdate', onTimeUpdate);
      detach();
    };
  }, [roomId, attempt, videoRef, onTime]);

  useEffect(() => {
    if (import.meta.env.MODE === 'test') window.__replay = { status, video: videoRef.current };
  }, [status, videoRef]);

  return (
    <div className={styles.player} data-testid="replay-player" data-status={status}>
      <video ref={videoRef} className={styles.video} controls autoPlay playsInline aria-label={t('rooms.replay.label')} />
      {status === 'loading' && (
        <p className={styles.notice} role="status">
          <span className="spinner" aria-hidden="true" /> {t('rooms.replay.loading')}
        </p>
      )}
      {status === 'broken' && (
        <div className={styles.notice} role="alert" data-testid="replay-broken">
          <p>{t('rooms.replay.broken')}</p>
          <button type="button" className="btn btn-small btn-primary" onClick={() => setAttempt((n) => n + 1)}>
            {t('common.retry')}
          </button>
        </div>
      )}
    </div>
  );
}
