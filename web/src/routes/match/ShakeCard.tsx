import { Link } from 'react-router-dom';
import type { Card, MatchOptIn, Relationship, UserSummary } from '@tremolo/protocol';
import { Avatar } from '../../components/Avatar.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { FollowButton } from './FollowButton.tsx';
import { CameraProblem } from './MatchStatus.tsx';
import { OptIn } from './OptIn.tsx';
import type { MediaProblem } from './rtc.ts';
import styles from './ShakePage.module.css';

/**
 * The person a shake matched me with: their card, a ringing video call to answer, and follow,
 * say hi or call; the 18+ opt-in when a call needs it first.
 */
export function ShakeCard({
  peer,
  card,
  ended,
  incoming,
  askOptIn,
  camera,
  onRelationship,
  onVideoCall,
  onDecline,
  onOptedIn,
  onCancelOptIn,
}: {
  peer: UserSummary;
  card: Card | null;
  /** The server ended the match: the card stays, calling does not. */
  ended: boolean;
  incoming: boolean;
  askOptIn: boolean;
  camera: MediaProblem | null;
  onRelationship: (r: Relationship) => void;
  onVideoCall: () => void;
  onDecline: () => void;
  onOptedIn: (saved: MatchOptIn) => void;
  onCancelOptIn: () => void;
}) {
  const { t } = useI18n();
  return (
    <article className="panel stack" data-testid="shake-card">
      <div className={styles.cardHead}>
        <Avatar user={peer} size={64} />
        <div>
          <h2 data-testid="shake-card-name">{peer.displayName}</h2>
          <p className="muted small">@{peer.handle}</p>
        </div>
      </div>
      {card?.user.bio ? (
        <p className="bio" data-testid="shake-card-bio">
          {card.user.bio}
        </p>
      ) : null}
      {incoming && !ended && (
        <div className="note stack" role="alert" data-testid="shake-incoming">
          <span>{t('shake.incoming', { name: peer.displayName })}</span>
          <div className="actions-row">
            <button type="button" className="btn btn-small btn-primary" onClick={onVideoCall} data-testid="shake-accept">
              {t('shake.accept')}
            </button>
            <button type="button" className="btn btn-small btn-ghost" onClick={onDecline} data-testid="shake-decline">
              {t('shake.decline')}
            </button>
          </div>
        </div>
      )}
      <div className="actions-row">
        <FollowButton
          handle={peer.handle}
          relationship={card?.relationship ?? null}
          onChange={onRelationship}
          className="btn btn-primary"
        />
        <Link to={`/dm/${peer.handle}`} className="btn btn-ghost" data-testid="shake-say-hi">
          {t('shake.sayHi')}
        </Link>
        <button type="button" className="btn btn-ghost" onClick={onVideoCall} disabled={ended} data-testid="shake-video">
          {t('shake.videoCall')}
        </button>
      </div>
      {askOptIn && !ended && (
        <OptIn
          compact
          moderator={false}
          // The person answering a ring is not dialling anyone: their words say so.
          lead={incoming ? 'shake.optInLeadAnswer' : 'shake.optInLead'}
          submitLabel={incoming ? 'shake.optInAnswer' : 'shake.optInCall'}
          testId="shake-optin"
          onCancel={onCancelOptIn}
          onDone={onOptedIn}
        />
      )}
      {ended && (
        <p className="muted small" data-testid="shake-call-ended">
          {t('shake.callEnded')}
        </p>
      )}
      {camera && <CameraProblem problem={camera} />}
    </article>
  );
}
