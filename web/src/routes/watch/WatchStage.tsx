import type { RefObject } from 'react';
import { useI18n } from '../../lib/i18n.tsx';
import type { Floating } from './useWatchChannel.ts';
import styles from './WatchStage.module.css';

/** The party's video, the reactions rising over it, and a tap for sound when autoplay kept it muted. */
export function WatchStage({
  videoRef,
  muted,
  posterUrl,
  floating,
  needsGesture,
  onVolume,
  onTapForSound,
}: {
  videoRef: RefObject<HTMLVideoElement | null>;
  muted: boolean;
  posterUrl: string | null;
  floating: Floating[];
  needsGesture: boolean;
  onVolume: (volume: number) => void;
  onTapForSound: () => void;
}) {
  const { t } = useI18n();
  return (
    <div className={styles.stage}>
      <video
        ref={videoRef}
        className={styles.video}
        playsInline
        preload="auto"
        muted={muted}
        poster={posterUrl ?? undefined}
        onVolumeChange={(e) => onVolume(e.currentTarget.volume)}
        data-testid="watch-video"
      />
      <div className={styles.floating} aria-hidden="true">
        {floating.map((f) => (
          <span key={f.key} className={styles.float} style={{ left: `${f.left}%` }}>
            {f.emoji}
          </span>
        ))}
      </div>
      {needsGesture && (
        <button type="button" className={styles.gesture} onClick={onTapForSound} data-testid="watch-tap-sound">
          {t('watch.tapForSound')}
        </button>
      )}
    </div>
  );
}
