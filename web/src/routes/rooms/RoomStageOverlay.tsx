import type { UserSummary } from '@tremolo/protocol';
import { FanBadge } from '../../components/chat/FanBadge.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { HeartIcon } from './Stage.tsx';
import type { DanmakuLine, FloatingHeart } from './useRoomCheer.ts';
import styles from './RoomStageOverlay.module.css';

/** Over the stage: chat lines flying across, hearts rising, and a tap for sound when autoplay refused it. */
export function RoomStageOverlay({
  danmaku,
  floating,
  people,
  soundBlocked,
  onTapForSound,
}: {
  danmaku: DanmakuLine[];
  floating: FloatingHeart[];
  people: Map<string, UserSummary>;
  soundBlocked: boolean;
  onTapForSound: () => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <div className={styles.danmaku} aria-hidden="true" data-testid="room-danmaku">
        {danmaku.map((d) => (
          <span key={d.key} className={styles.danmakuLine} style={{ top: `${8 + d.lane * 11}%` }}>
            {d.fanLevel ? <FanBadge level={d.fanLevel} /> : null} <b>{(d.from && people.get(d.from)?.displayName) ?? ''}</b> {d.text}
          </span>
        ))}
      </div>
      <div className={styles.floating} aria-hidden="true">
        {floating.map((f) => (
          <span key={f.key} className={styles.float} style={{ left: `${f.left}%` }}>
            <HeartIcon />
          </span>
        ))}
      </div>
      {soundBlocked && (
        <button type="button" className={styles.gesture} onClick={onTapForSound} data-testid="room-tap-sound">
          {t('rooms.tapForSound')}
        </button>
      )}
    </>
  );
}
