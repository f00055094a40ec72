import { useI18n } from '../../lib/i18n.tsx';
import type { MediaProblem } from './media.ts';
import styles from './RoomControls.module.css';
import shared from './shared.module.css';

// The bar under the stage has a file of its own; the page takes all of the room's controls from here.
export { RoomBar } from './RoomBar.tsx';

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
