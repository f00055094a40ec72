import type { RoomMe, RoomState, StageMember } from '@tremolo/protocol';
import { useI18n } from '../../lib/i18n.tsx';
import { CameraOffIcon, HeartIcon, MicOffIcon } from './Stage.tsx';
import styles from './RoomControls.module.css';

/** The host's picker open under the bar. */
type Panel = 'invite' | 'pin' | null;

/**
 * The bar under the stage: my mic and camera while on stage, leaving it, a hand from the audience,
 * hearts, and the host's invite, pin and end.
 */
export function RoomBar({
  state,
  me,
  mine,
  isHost,
  busy,
  panel,
  onPanel,
  onToggle,
  onLeaveStage,
  onRaiseHand,
  onHeart,
  onEnd,
}: {
  state: RoomState;
  me: RoomMe;
  mine: StageMember | null;
  isHost: boolean;
  busy: string | null;
  panel: Panel;
  onPanel: (p: Panel) => void;
  onToggle: (kind: 'mic' | 'camera') => void;
  onLeaveStage: () => void;
  onRaiseHand: () => void;
  onHeart: () => void;
  onEnd: () => void;
}) {
  const { t } = useI18n();
  return (
    <div className={styles.bar} data-testid="room-bar">
      {mine && (
        <>
          <button
            type="button"
            className={`btn btn-small${mine.mic ? '' : ' btn-danger'}`}
            aria-pressed={!mine.mic}
            disabled={busy === 'mic'}
            onClick={() => onToggle('mic')}
            data-testid="room-mic"
          >
            {!mine.mic && <MicOffIcon />} {mine.mic ? t('rooms.micOffAction') : t('rooms.micOnAction')}
          </button>
          <button
            type="button"
            className={`btn btn-small${mine.camera ? '' : ' btn-danger'}`}
            aria-pressed={!mine.camera}
            disabled={busy === 'camera'}
            onClick={() => onToggle('camera')}
            data-testid="room-camera"
          >
            {!mine.camera && <CameraOffIcon />} {mine.camera ? t('rooms.cameraOffAction') : t('rooms.cameraOnAction')}
          </button>
          {mine.micBlocked && (
            <span className="small accent" data-testid="room-muted-by-host">
              {t('rooms.mutedByHost')}
            </span>
          )}
        </>
      )}
      {mine && !isHost && (
        <button
          type="button"
          className="btn btn-small btn-ghost"
          disabled={busy !== null}
          onClick={onLeaveStage}
          data-testid="room-leave-stage"
        >
          {t('rooms.leaveStage')}
        </button>
      )}
      {!mine && state.status === 'live' && !me.invited && (
        <button
          type="button"
          className={`btn btn-small${me.handRaised ? ' btn-ghost' : ' btn-primary'}`}
          disabled={busy !== null}
          onClick={onRaiseHand}
          data-testid={me.handRaised ? 'room-lower-hand' : 'room-raise-hand'}
        >
          {busy === 'hand' ? t('common.working') : me.handRaised ? t('rooms.lowerHand') : t('rooms.raiseHand')}
        </button>
      )}
      <button
        type="button"
        className={`btn btn-small ${styles.heart}`}
        aria-label={t('rooms.sendHeart')}
        onClick={onHeart}
        data-testid="room-heart"
      >
        <HeartIcon />
      </button>
      {isHost && (
        <>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => onPanel(panel === 'invite' ? null : 'invite')}
            data-testid="room-invite-open"
          >
            {t('rooms.inviteFriends')}
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => onPanel(panel === 'pin' ? null : 'pin')}
            data-testid="room-pin-open"
          >
            {t('rooms.pinProduct')}
          </button>
          <button type="button" className="btn btn-small btn-danger" disabled={busy !== null} onClick={onEnd} data-testid="room-end">
            {busy === 'end' ? t('common.working') : t('rooms.end')}
          </button>
        </>
      )}
    </div>
  );
}
