import type { CSSProperties } from 'react';
import type { WatchAction } from '@tremolo/protocol';
import { cx } from '../../lib/cx.ts';
import { useI18n } from '../../lib/i18n.tsx';
import type { PlayerStatus } from './player.ts';
import styles from './WatchControls.module.css';

const RATES = [0.5, 0.75, 1, 1.25, 1.5, 2];

export type Control = (action: WatchAction, extra?: { positionMs?: number; rate?: number; videoId?: string }) => void;

/** Play/pause, seek, speed, next, resync, mute and volume. */
export function WatchControls({
  playing,
  rate,
  position,
  duration,
  canControl,
  hasNext,
  muted,
  volume,
  onControl,
  onResync,
  onToggleMute,
  onVolume,
}: {
  playing: boolean;
  rate: number;
  position: number;
  duration: number;
  canControl: boolean;
  hasNext: boolean;
  muted: boolean;
  volume: number;
  onControl: Control;
  onResync: () => void;
  onToggleMute: () => void;
  onVolume: (volume: number) => void;
}) {
  const { t } = useI18n();
  const max = Math.max(1, Math.round(duration));
  const at = Math.round(Math.min(position, duration || position));
  return (
    <div className={styles.bar} data-testid="watch-controls">
      <div className={styles.seekRow}>
        <span className={styles.time} data-testid="watch-time">
          {clock(at)}
        </span>
        <input
          type="range"
          className={cx(styles.range, styles.seek)}
          min={0}
          max={max}
          step={100}
          value={at}
          disabled={!canControl}
          aria-label={t('watch.seek')}
          // The filled part of the track, which a styled range does not draw by itself.
          style={{ '--fill': `${(100 * at) / max}%` } as CSSProperties}
          onChange={(e) => onControl('seek', { positionMs: Number(e.currentTarget.value) })}
          data-testid="watch-seek"
        />
        <span className={styles.time}>{clock(duration)}</span>
      </div>
      <div className={styles.buttons}>
        <button
          type="button"
          className={cx(styles.round, styles.main)}
          onClick={() => onControl(playing ? 'pause' : 'play')}
          disabled={!canControl}
          aria-label={playing ? t('watch.pause') : t('watch.play')}
          title={playing ? t('watch.pause') : t('watch.play')}
          data-testid={playing ? 'watch-pause' : 'watch-play'}
        >
          {playing ? <PauseGlyph /> : <PlayGlyph />}
        </button>
        {hasNext && (
          <button
            type="button"
            className={styles.round}
            onClick={() => onControl('next')}
            disabled={!canControl}
            aria-label={t('watch.next')}
            title={t('watch.next')}
            data-testid="watch-next"
          >
            <NextGlyph />
          </button>
        )}
        <select
          className={styles.rate}
          aria-label={t('watch.rate')}
          value={String(rate)}
          disabled={!canControl}
          onChange={(e) => onControl('rate', { rate: Number(e.currentTarget.value) })}
          data-testid="watch-rate"
        >
          {RATES.map((r) => (
            <option key={r} value={String(r)}>
              {r}×
            </option>
          ))}
        </select>
        <button type="button" className={styles.pill} onClick={onResync} data-testid="watch-resync">
          {t('watch.resync')}
        </button>
        <span className={styles.volume}>
          <button
            type="button"
            className={styles.round}
            onClick={onToggleMute}
            aria-label={muted ? t('watch.unmute') : t('watch.mute')}
            title={muted ? t('watch.unmute') : t('watch.mute')}
            data-testid="watch-mute"
          >
            {muted ? <MutedGlyph /> : <SoundGlyph />}
          </button>
          <input
            type="range"
            className={styles.range}
            min={0}
            max={1}
            step={0.05}
            value={volume}
            aria-label={t('watch.volume')}
            style={{ '--fill': `${volume * 100}%` } as CSSProperties}
            onChange={(e) => onVolume(Number(e.currentTarget.value))}
            data-testid="watch-volume"
          />
        </span>
      </div>
    </div>
  );
}

function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

const glyph = { width: 22, height: 22, viewBox: '0 0 24 24', fill: 'currentColor', 'aria-hidden': true } as const;
const PlayGlyph = () => (
  <svg {...glyph}>
    <path d="M8 5.5v13l11-6.5z" />
  </svg>
);
const PauseGlyph = () => (
  <svg {...glyph}>
    <rect x="6.5" y="5" width="4" height="14" rx="1" />
    <rect x="13.5" y="5" width="4" height="14" rx="1" />
  </svg>
);
const NextGlyph = () => (
  <svg {...glyph}>
    <path d="M6 5.5v13l9-6.5z" />
    <rect x="16" y="5.5" width="2.5" height="13" rx="1" />
  </svg>
);
const SoundGlyph = () => (
  <svg {...glyph}>
    <path d="M4 9.5h4l5-4v13l-5-4H4z" />
    <path d="M16 8.5a5 5 0 0 1 0 7" stroke="currentColor" strokeWidth="2" fill="none" strokeLinecap="round" />
  </svg>
);
const MutedGlyph = () => (
  <svg {...glyph}>
    <path d="M4 9.5h4l5-4v13l-5-4H4z" />
    <path d="M16.5 9.5l5 5m0-5l-5 5" stroke="currentColor" strokeWidth="2" fill="none" strokeLinecap="round" />
  </svg>
);

/** How in step this player is, whether the person may control, and the last notice. */
export function WatchStatus({
  online,
  status,
  canControl,
  notice,
}: {
  online: boolean;
  status: PlayerStatus | null;
  canControl: boolean;
  notice: string | null;
}) {
  const { t } = useI18n();
  return (
    <p className="muted small" data-testid="watch-status">
      {!online
        ? t('watch.reconnecting')
        : status?.buffering
          ? t('watch.buffering')
          : status?.errorMs != null && Math.abs(status.errorMs) > 60
            ? t('watch.offBy', { ms: Math.abs(status.errorMs) })
            : t('watch.inSync')}
      {!canControl && <> · {t('watch.locked')}</>}
      {notice && (
        <>
          {' '}
          · <span data-testid="watch-notice">{notice}</span>
        </>
      )}
    </p>
  );
}
