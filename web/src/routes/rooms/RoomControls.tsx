import type { RoomMe, RoomState, StageMember } from '@tremolo/protocol';
import { useI18n } from '../../lib/i18n.tsx';
import type { MediaProblem } from './media.ts';
import { CameraOffIcon, HeartIcon, MicOffIcon } from './Stage.tsx';
import styles from './RoomControls.module.css';
import shared from './shared.module.css';

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

/** Why my camera or microphone is not reaching the room, with a retry. */
export function RoomMediaProblem({
  problem,
  publishError,
  onRetry,
}: {
  problem: MediaProblem | null;
  publishError: boolean;
  onRetry: () => void;
}) {
  const { t } = useI18n();
  if (problem) {
    return (
      <div className="error-box" role="alert" data-testid="room-media-problem" data-problem={problem}>
        <span>{t(`rooms.media.${problem}`)}</span>
        <button type="button" className="btn btn-small btn-ghost" onClick={onRetry} data-testid="room-media-retry">
          {t('common.retry')}
        </button>
      </div>
    );
  }
  if (!publishError) return null;
  return (
    <div className="error-box" role="alert" data-testid="room-publish-error">
      <span>{t('rooms.publishFailed')}</span>
      <button type="button" className="btn btn-small btn-ghost" onClick={onRetry}>
        {t('common.retry')}
      </button>
    </div>
  );
}

/** The host asked me on stage: join or decline. */
export function RoomInvited({ hostName, busy, onAnswer }: { hostName: string; busy: string | null; onAnswer: (accept: boolean) => void }) {
  const { t } = useI18n();
  return (
    <div className={styles.invite} data-testid="room-invited">
      <p>{t('rooms.invitedYou', { name: hostName })}</p>
      <div className={shared.row}>
        <button
          type="button"
          className="btn btn-primary btn-small"
          disabled={busy !== null}
          onClick={() => onAnswer(true)}
          data-testid="room-invite-accept"
        >
          {busy === 'invite:true' ? t('common.working') : t('rooms.joinStage')}
        </button>
        <button
          type="button"
          className="btn btn-ghost btn-small"
          disabled={busy !== null}
          onClick={() => onAnswer(false)}
          data-testid="room-invite-decline"
        >
          {t('rooms.decline')}
        </button>
      </div>
    </div>
  );
}
