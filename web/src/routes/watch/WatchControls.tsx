import type { WatchAction } from '@tremolo/protocol';
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
  return (
    <div className={styles.bar}>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => onControl(playing ? 'pause' : 'play')}
        disabled={!canControl}
        data-testid={playing ? 'watch-pause' : 'watch-play'}
      >
        {playing ? t('watch.pause') : t('watch.play')}
      </button>
      <input
        type="range"
        className={styles.seek}
        min={0}
        max={Math.max(1, Math.round(duration))}
        step={100}
        value={Math.round(Math.min(position, duration || position))}
        disabled={!canControl}
        aria-label="seek"
        onChange={(e) => onControl('seek', { positionMs: Number(e.currentTarget.value) })}
        data-testid="watch-seek"
      />
      <select
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
      {hasNext && (
        <button type="button" className="btn btn-small" onClick={() => onControl('next')} disabled={!canControl} data-testid="watch-next">
          {t('watch.next')}
        </button>
      )}
      <button type="button" className="btn btn-small btn-ghost" onClick={onResync} data-testid="watch-resync">
        {t('watch.resync')}
      </button>
      <button type="button" className="btn btn-small btn-quiet" onClick={onToggleMute} data-testid="watch-mute">
        {muted ? t('watch.unmute') : t('watch.mute')}
      </button>
      <input
        type="range"
        min={0}
        max={1}
        step={0.05}
        value={volume}
        aria-label={t('watch.volume')}
        onChange={(e) => onVolume(Number(e.currentTarget.value))}
        data-testid="watch-volume"
      />
    </div>
  );
}

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
