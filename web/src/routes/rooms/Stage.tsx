import { useEffect, useRef, type ReactNode } from 'react';
import type { StageMember } from '@tremolo/protocol';
import { Avatar } from '../../components/Avatar.tsx';
import { FanBadge } from '../../components/chat/FanBadge.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { stageLayout } from './media.ts';
import { cx } from './cx.ts';
import styles from './Stage.module.css';

export interface TileMedia {
  stream: MediaStream | null;
  /** My own preview: never played out loud. */
  local: boolean;
  /** My camera could not be opened (the page explains why below the stage). */
  unavailable?: boolean;
}

/**
 * The stage: one tile per person, in a grid that follows their number (1 full, 2 split, 3–4
 * 2×2, 5–6 3×2, 7–9 3×3). A tile shows the video (or the avatar when the camera is off), the
 * name with the fan level, mic/camera-off icons and a ring while the person speaks.
 */
export function Stage({
  stage,
  media,
  speaking,
  focused,
  onFocus,
  fanLevels,
  muted,
  menuFor,
  overlay,
}: {
  stage: StageMember[];
  media: Map<string, TileMedia>;
  speaking: Set<string>;
  focused: string | null;
  onFocus: (id: string | null) => void;
  fanLevels: Map<string, number>;
  /** Everyone's sound is off until the person allows it (autoplay rules). */
  muted: boolean;
  menuFor: (m: StageMember) => ReactNode;
  overlay: ReactNode;
}) {
  const { cols, rows } = stageLayout(stage.length);
  return (
    <div
      className={styles.stage}
      data-testid="room-stage"
      data-count={stage.length}
      data-cols={cols}
      style={{ gridTemplateColumns: `repeat(${cols}, 1fr)`, gridTemplateRows: `repeat(${rows}, 1fr)` }}
    >
      {stage.map((m) => (
        <Tile
          key={m.user.id}
          member={m}
          media={media.get(m.user.id) ?? null}
          speaking={speaking.has(m.user.id)}
          focused={focused === m.user.id}
          onFocus={() => onFocus(focused === m.user.id ? null : m.user.id)}
          // The state carries the level from when the stage last changed; a chat line may be newer (levels only grow).
          fanLevel={Math.max(m.fanLevel, fanLevels.get(m.user.id) ?? 0)}
          muted={muted}
          menu={menuFor(m)}
        />
      ))}
      {overlay}
    </div>
  );
}

function Tile({
  member: m,
  media,
  speaking,
  focused,
  onFocus,
  fanLevel,
  muted,
  menu,
}: {
  member: StageMember;
  media: TileMedia | null;
  speaking: boolean;
  focused: boolean;
  onFocus: () => void;
  fanLevel: number;
  muted: boolean;
  menu: ReactNode;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLVideoElement>(null);
  const micOff = !m.mic || m.micBlocked;
  const cameraOff = !m.camera || m.cameraBlocked;
  const stream = media?.stream ?? null;

  useEffect(() => {
    const v = ref.current;
    if (!v) return;
    if (v.srcObject !== stream) v.srcObject = stream;
    if (stream) void v.play().catch(() => undefined);
  }, [stream]);

  const roleLabel = m.role === 'host' ? t('rooms.role.host') : m.role === 'cohost' ? t('rooms.role.cohost') : null;
  return (
    <figure
      className={cx(styles.tile, speaking && !micOff && styles.speaking, focused && styles.focused)}
      data-testid="room-tile"
      data-user={m.user.id}
      data-handle={m.user.handle}
      data-role={m.role}
      data-mic={micOff ? 'off' : 'on'}
      data-camera={cameraOff ? 'off' : 'on'}
      data-publishing={m.publishing ? 'yes' : 'no'}
      data-speaking={speaking && !micOff ? 'yes' : 'no'}
    >
      <video
        ref={ref}
        className={cx(styles.video, (cameraOff || !stream) && styles.hidden, media?.local && styles.mirror)}
        playsInline
        autoPlay
        muted={media?.local === true || muted}
        onClick={onFocus}
        data-testid="room-tile-video"
      />
      {(cameraOff || !stream) && (
        <button type="button" className={styles.tileAvatar} onClick={onFocus} aria-label={m.user.displayName}>
          <Avatar user={m.user} size={56} />
          {media?.unavailable ? (
            <span className="small muted">{t('rooms.noCamera')}</span>
          ) : (
            !m.publishing && !cameraOff && <span className="small muted">{t('rooms.connecting')}</span>
          )}
        </button>
      )}
      <figcaption className={styles.tileName}>
        {micOff && (
          <span className={styles.icon} title={m.micBlocked ? t('rooms.mutedByHost') : t('rooms.micOff')} data-testid="tile-mic-off">
            <MicOffIcon />
          </span>
        )}
        {cameraOff && (
          <span
            className={styles.icon}
            title={m.cameraBlocked ? t('rooms.cameraOffByHost') : t('rooms.cameraOff')}
            data-testid="tile-camera-off"
          >
            <CameraOffIcon />
          </span>
        )}
        <span className={styles.tileLabel} data-testid="tile-name">
          {m.user.displayName}
        </span>
        {fanLevel > 0 && m.role !== 'host' && <FanBadge level={fanLevel} />}
        {roleLabel && <span className={styles.role}>{roleLabel}</span>}
      </figcaption>
      {menu}
    </figure>
  );
}

const icon = {
  width: 14,
  height: 14,
  viewBox: '0 0 24 24',
  fill: 'none',
  stroke: 'currentColor',
  strokeWidth: 2.2,
  strokeLinecap: 'round',
  strokeLinejoin: 'round',
} as const;

export const MicOffIcon = () => (
  <svg {...icon} aria-hidden="true">
    <path d="M9 9v3a3 3 0 0 0 5.1 2.1M15 9.3V5a3 3 0 0 0-5.9-.7" />
    <path d="M19 11a7 7 0 0 1-1.2 3.9M5 11a7 7 0 0 0 11 5.7M12 18v3" />
    <path d="M3 3l18 18" />
  </svg>
);

export const CameraOffIcon = () => (
  <svg {...icon} aria-hidden="true">
    <path d="M16 16v1a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2h2m4 0h4a2 2 0 0 1 2 2v3.3l5-3.3v10" />
    <path d="M2 2l20 20" />
  </svg>
);

export const HeartIcon = () => (
  <svg width={22} height={22} viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
    <path d="M12 21s-7.5-4.6-10-9.3C.4 8.5 2.3 4.5 6.2 4.5c2.2 0 3.8 1.2 4.8 2.8 1-1.6 2.6-2.8 4.8-2.8 3.9 0 5.8 4 4.2 7.2C19.5 16.4 12 21 12 21z" />
  </svg>
);
