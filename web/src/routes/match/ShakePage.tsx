import { Link } from 'react-router-dom';
import { ErrorMessage } from '../../components/Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { Banned } from './MatchStatus.tsx';
import { ShakeCall } from './ShakeCall.tsx';
import { ShakeCard } from './ShakeCard.tsx';
import { hasShakeSensor, ShakeZone } from './ShakeZone.tsx';
import { useShake } from './useShake.ts';
import styles from './ShakePage.module.css';

/**
 * Shake (抖一抖, `/shake`): shake the phone (or press the button on a computer) at the same moment
 * as someone else and see each other's card: follow, say hi, or a video call over the same
 * signalling as 连线.
 */
export function ShakePage() {
  const { t } = useI18n();
  const s = useShake();
  const { m, call, card, notice, location } = s;

  if (s.banned) return <Banned />;

  if (call && !call.ended && m.videoOn) {
    return (
      <ShakeCall
        peer={call.peer}
        callId={call.id}
        local={s.local}
        remote={m.remote}
        connection={m.connection}
        chat={m.chat}
        onSend={m.sendChat}
        calling={s.placed && !m.remote}
        error={s.error}
        relationship={card?.relationship ?? null}
        onRelationship={s.setRelationship}
        sheet={s.sheet}
        onSheet={s.setSheet}
        onSafetyDone={s.safetyDone}
        onHangUp={s.hangUp}
      />
    );
  }

  const looking = m.phase === 'shaking';
  return (
    <section className={`${styles.page} stack`} data-testid="shake-page">
      <header className="page-head">
        <h1>{t('shake.title')}</h1>
        <p className="muted">{t(hasShakeSensor() ? 'shake.lead' : 'shake.leadDesktop')}</p>
      </header>

      {call?.source === 'shake' && (
        <ShakeCard
          peer={call.peer}
          card={card}
          ended={!!call.ended}
          incoming={m.incoming}
          askOptIn={s.askOptIn}
          camera={s.camera}
          onRelationship={s.setRelationship}
          onVideoCall={s.videoCall}
          onDecline={s.decline}
          onOptedIn={s.optedIn}
          onCancelOptIn={s.cancelOptIn}
        />
      )}

      {notice && (
        <p className="note" role="status" data-testid="shake-notice">
          {t(notice.key, notice.vars)}
        </p>
      )}
      {s.error !== null && <ErrorMessage error={s.error} testId="shake-error" />}

      <ShakeZone looking={looking} ready={m.ready} motion={s.motion.motion} onShake={s.shake} onAskMotion={() => void s.motion.ask()} />

      <label className={styles.check}>
        <input type="checkbox" checked={location.on} onChange={(e) => location.toggle(e.target.checked)} data-testid="shake-location" />
        <span>{t('shake.useLocation')}</span>
      </label>
      {location.unavailable && <p className="muted small">{t('shake.locationUnavailable')}</p>}
      <p className="muted small" data-testid="shake-delay">
        {s.oneWayMs === null ? t('shake.measuring') : t('shake.delay', { ms: s.oneWayMs })}
      </p>
      <nav className="menu">
        <Link to="/match" className="menu-item" data-testid="shake-to-match">
          <span>{t('match.title')}</span>
        </Link>
      </nav>
    </section>
  );
}
