import { useEffect, useRef, useState, type ReactNode } from 'react';
import * as api from '@tremolo/protocol/api';
import { urlOf } from '../../lib/client.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { attachHls } from './hls.ts';
import { LIVE_HLS_CONFIG } from './liveHls.ts';
import styles from './Stage.module.css';

declare global {
  interface Window {
    /** The broadcast player's state, for end-to-end tests. */
    __broadcast?: { status: BroadcastStatus; video: HTMLVideoElement | null };
  }
}

type BroadcastStatus = 'starting' | 'playing' | 'broken';

/** After a failure the player tries again this soon (a new compositor run takes a few seconds). */
const RETRY_MS = 3000;

/**
 * The audience's view of a live room: the composed stage over HLS (hls.js, or the browser's own
 * HLS where it has it). It starts near the live edge and speeds up a little to catch up when it
 * falls behind; when the broadcast breaks it says so and tries again until it plays.
 */
export function BroadcastPlayer({
  roomId,
  tiles,
  muted,
  overlay,
}: {
  roomId: string;
  /** How many the picture shows: the box takes the stage's shape for them, as the picture's grid does. */
  tiles: number;
  muted: boolean;
  overlay: ReactNode;
}) {
  const { t } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const [status, setStatus] = useState<BroadcastStatus>('starting');
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const el = video.current;
    if (!el) return;
    const src = urlOf(api.rooms.hlsLive, { params: { id: roomId } });
    let retry: ReturnType<typeof setTimeout> | null = null;
    let played = false;
    const fail = () => {
      setStatus(played ? 'broken' : 'starting');
      retry ??= setTimeout(() => setAttempt((n) => n + 1), RETRY_MS);
    };
    const onPlaying = () => {
      played = true;
      setStatus('playing');
    };
    const detach = attachHls(el, src, {
      config: LIVE_HLS_CONFIG,
      onFail: fail,
      onPlaying,
    });
    return () => {
      if (retry) clearTimeout(retry);
      detach();
    };
  }, [roomId, attempt]);

  useEffect(() => {
    if (import.meta.env.MODE === 'test') window.__broadcast = { status, video: video.current };
  }, [status]);

  return (
    <div
      className={`${styles.stage} ${styles.broadcast}`}
      data-testid="room-broadcast"
      data-status={status}
      data-count={Math.min(tiles, 9)}
    >
      <video ref={video} className={styles.broadcastVideo} autoPlay playsInline muted={muted} aria-label={t('rooms.broadcast.label')} />
      {status !== 'playing' && (
        <p className={styles.broadcastNotice} role="status" data-testid="room-broadcast-notice">
          {status === 'broken' ? t('rooms.broadcast.broken') : t('rooms.broadcast.starting')}
        </p>
      )}
      {overlay}
    </div>
  );
}
