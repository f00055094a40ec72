import { useRef } from 'react';
import { Link } from 'react-router-dom';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { CallView } from './CallView.tsx';
import { FollowButton } from './FollowButton.tsx';
import { MatchLobby, MatchWaiting } from './MatchLobby.tsx';
import { Banned, CameraProblem } from './MatchStatus.tsx';
import { OptIn, RulesList } from './OptIn.tsx';
import { SafetySheet } from './SafetySheet.tsx';
import { useMatchLobby } from './useMatchLobby.ts';
import { usePeerCard } from './usePeerCard.ts';
import styles from './MatchPage.module.css';

/**
 * 连线 (`/match`): opt in once (18+ and the rules), choose interests and languages, wait for
 * someone, then a peer-to-peer video call with chat. "Next" moves on at once; when the other
 * person moves on I am queued again without asking.
 */
export function MatchPage() {
  const { t } = useI18n();
  const x = useMatchLobby();
  const { me, m, notice } = x;
  const remoteRef = useRef<HTMLVideoElement>(null);
  const peerHandle = m.call && !m.call.ended ? m.call.peer.handle : null;
  const { card, setRelationship } = usePeerCard(peerHandle);

  if (x.error !== null && !me) return <ErrorMessage error={x.error} onRetry={() => void x.load()} testId="match-error" />;
  if (!me) return <Loading testId="match-loading" />;
  if (x.banned) return <Banned />;
  if (!me.adultConfirmedAt || !me.rulesAcceptedAt) return <OptIn onDone={x.setMe} moderator={me.moderator} />;

  const inCall = m.call && !m.call.ended && m.phase === 'in_call';
  if (inCall && m.call) {
    const c = m.call;
    return (
      <CallView
        testId="match-page"
        peer={c.peer}
        local={x.local}
        remote={m.remote}
        connection={m.connection}
        chat={m.chat}
        onSend={m.sendChat}
        remoteRef={remoteRef}
        notice={
          <>
            {notice && (
              <p className="note" data-testid="match-notice">
                {t(notice.key, notice.vars)}
              </p>
            )}
            {x.actionError !== null && <ErrorMessage error={x.actionError} testId="match-action-error" />}
          </>
        }
        actions={
          <>
            <FollowButton handle={c.peer.handle} relationship={card?.relationship ?? null} onChange={setRelationship} />
            <button type="button" className="btn btn-small btn-danger" onClick={() => x.setSheet(true)} data-testid="match-report">
              {t('match.report')}
            </button>
            <button type="button" className="btn btn-small" onClick={() => void x.leave()} data-testid="match-leave">
              {t('match.leave')}
            </button>
            <button type="button" className="btn btn-small btn-primary" onClick={() => void x.next()} data-testid="match-next">
              {t('match.next')}
            </button>
          </>
        }
      >
        {x.sheet && (
          <SafetySheet peer={c.peer} callId={c.id} remoteRef={remoteRef} onDone={x.safetyDone} onClose={() => x.setSheet(false)} />
        )}
      </CallView>
    );
  }

  const waiting = m.phase === 'queued' || (m.phase === 'in_call' && !inCall);
  return (
    <section className={`${styles.page} stack`} data-testid="match-page">
      <header className="page-head">
        <h1>{t('match.title')}</h1>
        <p className="muted">{t('match.lead')}</p>
      </header>
      {notice && (
        <p className="note" role="status" data-testid="match-notice">
          {t(notice.key, notice.vars)}
        </p>
      )}
      {x.cooldown && !notice && (
        <p className="note" data-testid="match-cooldown">
          {t('match.cooldown', { time: x.cooldown })}
        </p>
      )}
      {x.camera && <CameraProblem problem={x.camera} />}
      {x.actionError !== null && <ErrorMessage error={x.actionError} testId="match-action-error" />}
      {waiting ? (
        <MatchWaiting local={x.local} onLeave={() => void x.leave()} />
      ) : (
        <MatchLobby
          interests={x.interests}
          languages={x.languages}
          onInterests={x.setInterests}
          onLanguages={x.setLanguages}
          starting={x.starting}
          ready={m.ready}
          onStart={() => void x.start()}
        />
      )}
      <nav className="menu">
        <Link to="/shake" className="menu-item" data-testid="match-to-shake">
          <span>{t('shake.title')}</span>
        </Link>
        {me.moderator && (
          <Link to="/moderation" className="menu-item" data-testid="match-to-moderation">
            <span>{t('moderation.title')}</span>
          </Link>
        )}
      </nav>
      <details className="muted small">
        <summary>{t('match.rulesTitle')}</summary>
        <RulesList />
      </details>
    </section>
  );
}
