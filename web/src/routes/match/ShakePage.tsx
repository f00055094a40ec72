import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { Avatar } from '../../components/Avatar.tsx';
import { ErrorMessage } from '../../components/Status.tsx';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { PublishError } from '../../lib/realtime.ts';
import { CallView } from './CallView.tsx';
import { FollowButton } from './FollowButton.tsx';
import { Banned, CameraProblem } from './MatchStatus.tsx';
import { OptIn } from './OptIn.tsx';
import { SafetySheet } from './SafetySheet.tsx';
import { useMatchMe } from './useMatchMe.ts';
import { useOneWayDelay } from './useOneWayDelay.ts';
import { usePeerCard } from './usePeerCard.ts';
import { mediaProblem, openCamera, type MediaProblem } from './rtc.ts';
import { ShakeDetector, coarse } from './shake-detect.ts';
import { useMatch } from './useMatch.ts';
import styles from './ShakePage.module.css';

type Motion = 'listening' | 'needsPermission' | 'denied';
type Notice = { key: MessageKey; vars?: Record<string, string> } | null;

const RING_NOTICE = { declined: 'shake.declined', no_answer: 'shake.noAnswer' } as const satisfies Record<string, MessageKey>;

/** iOS 13+ exposes this static, and only answers it from a tap. */
interface MotionWithPermission {
  requestPermission?: () => Promise<'granted' | 'denied'>;
}

function motionPermissionApi(): (() => Promise<'granted' | 'denied'>) | null {
  if (typeof DeviceMotionEvent === 'undefined') return null;
  const req = (DeviceMotionEvent as unknown as MotionWithPermission).requestPermission;
  return typeof req === 'function' ? req.bind(DeviceMotionEvent) : null;
}

/**
 * Shake (抖一抖, `/shake`): shake the phone (or press the button on a computer) at the same moment
 * as someone else and see each other's card: follow, say hi, or a video call over the same
 * signalling as 连线.
 */
export function ShakePage() {
  const { t } = useI18n();
  const optInState = useMatchMe();
  /** Showing the 18+ confirmation, after which the video call is placed (or the ringing one answered). */
  const [askOptIn, setAskOptIn] = useState(false);
  /** We placed the video call (not answered one): "calling" until their video arrives. */
  const [placed, setPlaced] = useState(false);
  const m = useMatch({
    onShakeMiss: () => setNotice({ key: 'shake.miss' }),
    onFound: () => {
      setNotice(null);
      setAskOptIn(false);
    },
    onEnded: () => {
      setSheet(false);
      setAskOptIn(false);
      stopCamera();
    },
    onBanned: () => setBanned(true),
    onLost: () => setNotice({ key: 'match.lost' }),
    // Back to the card, told why: the call was ours and went unanswered, or we missed theirs.
    onRingEnded: (c, reason, caller) => {
      stopCamera();
      setNotice({ key: caller ? RING_NOTICE[reason] : 'shake.missed', vars: { name: c.peer.displayName } });
    },
    onOptInRequired: () => {
      stopCamera();
      void optInState.load();
      setAskOptIn(true);
    },
  });
  const delay = useOneWayDelay();
  const [motion, setMotion] = useState<Motion>(() => (motionPermissionApi() ? 'needsPermission' : 'listening'));
  const [useLocation, setUseLocation] = useState(false);
  const place = useRef<{ lat: number; lng: number } | null>(null);
  const [locationError, setLocationError] = useState(false);
  const [notice, setNotice] = useState<Notice>(null);
  const [error, setError] = useState<unknown>(null);
  const [banned, setBanned] = useState(false);
  const [local, setLocal] = useState<MediaStream | null>(null);
  const localRef = useRef<MediaStream | null>(null);
  const [camera, setCamera] = useState<MediaProblem | null>(null);
  const [sheet, setSheet] = useState(false);
  const remoteRef = useRef<HTMLVideoElement>(null);
  const busy = useRef(false);

  const stopCamera = useCallback(() => {
    for (const tr of localRef.current?.getTracks() ?? []) tr.stop();
    localRef.current = null;
    setLocal(null);
  }, []);
  useEffect(() => stopCamera, [stopCamera]);

  // Measure the delay as soon as the channel is up, so the first shake does not wait for it.
  const { measure } = delay;
  useEffect(() => {
    if (m.ready) void measure();
  }, [m.ready, measure]);

  const shake = useCallback(async () => {
    if (busy.current) return;
    busy.current = true;
    setError(null);
    setNotice(null);
    try {
      const oneWayMs = Math.min(5000, await delay.current());
      const at = useLocation ? place.current : null;
      await m.shake({ oneWayMs, ...(at ? { lat: at.lat, lng: at.lng } : {}) });
    } catch (e) {
      if (e instanceof PublishError && e.code === 'forbidden') setBanned(true);
      else setError(e);
    } finally {
      busy.current = false;
    }
  }, [delay, m, useLocation]);

  // Motion: a real shake sends one, while the page is open and no video call is on.
  const shakeRef = useRef(shake);
  shakeRef.current = shake;
  const inVideo = m.videoOn;
  useEffect(() => {
    if (motion !== 'listening' || inVideo) return;
    const detector = new ShakeDetector();
    const onMotion = (e: DeviceMotionEvent) => {
      const a = e.accelerationIncludingGravity ?? e.acceleration;
      if (a && detector.sample(a, performance.now())) void shakeRef.current();
    };
    window.addEventListener('devicemotion', onMotion);
    return () => window.removeEventListener('devicemotion', onMotion);
  }, [motion, inVideo]);

  const askMotion = async () => {
    const req = motionPermissionApi();
    if (!req) return setMotion('listening');
    try {
      setMotion((await req()) === 'granted' ? 'listening' : 'denied');
    } catch {
      setMotion('denied');
    }
  };

  const toggleLocation = (on: boolean) => {
    setUseLocation(on);
    setLocationError(false);
    if (!on) {
      place.current = null;
      return;
    }
    if (!navigator.geolocation) return setLocationError(true);
    navigator.geolocation.getCurrentPosition(
      (p) => (place.current = { lat: coarse(p.coords.latitude), lng: coarse(p.coords.longitude) }),
      () => {
        setLocationError(true);
        setUseLocation(false);
      },
      { enableHighAccuracy: false, maximumAge: 10 * 60_000, timeout: 15_000 },
    );
  };

  /** A video call is for adults only, as 连线 is: without the stored opt-in, ask for it first. */
  const videoCall = async () => {
    setError(null);
    setNotice(null);
    const state = optInState.me ?? (await optInState.load());
    if (!state) return setError(optInState.error ?? new Error('match state unavailable'));
    if (!state.adultConfirmedAt || !state.rulesAcceptedAt) return setAskOptIn(true);
    await placeCall();
  };

  const placeCall = async () => {
    setPlaced(!m.incoming);
    try {
      const s = localRef.current ?? (await openCamera());
      localRef.current = s;
      setLocal(s);
      setCamera(null);
      m.startVideo(s, true);
    } catch (e) {
      setCamera(mediaProblem(e));
    }
  };

  const hangUp = async () => {
    try {
      await m.queue('leave');
    } catch (e) {
      setError(e);
    }
    stopCamera();
  };

  const call = m.call;
  const { card, setRelationship } = usePeerCard(call?.source === 'shake' ? call.peer.handle : null);

  if (banned) return <Banned />;

  if (call && !call.ended && m.videoOn) {
    return (
      <CallView
        testId="shake-page"
        peer={call.peer}
        local={local}
        remote={m.remote}
        connection={m.connection}
        chat={m.chat}
        onSend={m.sendChat}
        remoteRef={remoteRef}
        notice={
          <>
            {placed && !m.remote && (
              <p className="note" role="status" data-testid="shake-calling">
                {t('shake.calling', { name: call.peer.displayName })}
              </p>
            )}
            {error !== null && <ErrorMessage error={error} />}
          </>
        }
        actions={
          <>
            <FollowButton handle={call.peer.handle} relationship={card?.relationship ?? null} onChange={setRelationship} />
            <button type="button" className="btn btn-small btn-danger" onClick={() => setSheet(true)} data-testid="match-report">
              {t('match.report')}
            </button>
            <button type="button" className="btn btn-small btn-primary" onClick={() => void hangUp()} data-testid="shake-hangup">
              {t('shake.hangUp')}
            </button>
          </>
        }
      >
        {sheet && (
          <SafetySheet
            peer={call.peer}
            callId={call.id}
            remoteRef={remoteRef}
            onDone={() => {
              setSheet(false);
              stopCamera();
              m.forget();
              setNotice({ key: 'match.reportSent' });
            }}
            onClose={() => setSheet(false)}
          />
        )}
      </CallView>
    );
  }

  const looking = m.phase === 'shaking';
  return (
    <section className={`${styles.page} stack`} data-testid="shake-page">
      <header className="page-head">
        <h1>{t('shake.title')}</h1>
        <p className="muted">{t('shake.lead')}</p>
      </header>

      {call?.source === 'shake' && (
        <article className="panel stack" data-testid="shake-card">
          <div className={styles.cardHead}>
            <Avatar user={call.peer} size={64} />
            <div>
              <h2 data-testid="shake-card-name">{call.peer.displayName}</h2>
              <p className="muted small">@{call.peer.handle}</p>
            </div>
          </div>
          {card?.user.bio ? (
            <p className="bio" data-testid="shake-card-bio">
              {card.user.bio}
            </p>
          ) : null}
          {m.incoming && !call.ended && (
            <div className="note stack" role="alert" data-testid="shake-incoming">
              <span>{t('shake.incoming', { name: call.peer.displayName })}</span>
              <div className="actions-row">
                <button type="button" className="btn btn-small btn-primary" onClick={() => void videoCall()} data-testid="shake-accept">
                  {t('shake.accept')}
                </button>
                <button
                  type="button"
                  className="btn btn-small btn-ghost"
                  onClick={() => void m.declineIncoming().catch(setError)}
                  data-testid="shake-decline"
                >
                  {t('shake.decline')}
                </button>
              </div>
            </div>
          )}
          <div className="actions-row">
            <FollowButton
              handle={call.peer.handle}
              relationship={card?.relationship ?? null}
              onChange={setRelationship}
              className="btn btn-primary"
            />
            <Link to={`/dm/${call.peer.handle}`} className="btn btn-ghost" data-testid="shake-say-hi">
              {t('shake.sayHi')}
            </Link>
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => void videoCall()}
              disabled={!!call.ended}
              data-testid="shake-video"
            >
              {t('shake.videoCall')}
            </button>
          </div>
          {askOptIn && !call.ended && (
            <OptIn
              compact
              moderator={false}
              lead="shake.optInLead"
              submitLabel="shake.optInCall"
              testId="shake-optin"
              onCancel={() => setAskOptIn(false)}
              onDone={(saved) => {
                optInState.setMe(saved);
                setAskOptIn(false);
                void placeCall();
              }}
            />
          )}
          {call.ended && (
            <p className="muted small" data-testid="shake-call-ended">
              {t('shake.callEnded')}
            </p>
          )}
          {camera && <CameraProblem problem={camera} />}
        </article>
      )}

      {notice && (
        <p className="note" role="status" data-testid="shake-notice">
          {t(notice.key, notice.vars)}
        </p>
      )}
      {error !== null && <ErrorMessage error={error} testId="shake-error" />}

      <div className={styles.zone}>
        <button
          type="button"
          className={`${styles.button}${looking ? ` ${styles.shaking}` : ''}`}
          onClick={() => void shake()}
          disabled={!m.ready || looking}
          data-testid="shake-button"
        >
          <span aria-hidden="true">📳</span>
          <span>{looking ? t('shake.looking') : t('shake.press')}</span>
        </button>
        {looking && (
          <p className="loading" role="status" data-testid="shake-looking">
            <span className="spinner" aria-hidden="true" />
            {t('shake.looking')}
          </p>
        )}
        {motion === 'needsPermission' && (
          <button type="button" className="btn btn-ghost" onClick={() => void askMotion()} data-testid="shake-enable-motion">
            {t('shake.enableMotion')}
          </button>
        )}
        {motion === 'denied' && <p className="muted small">{t('shake.motionDenied')}</p>}
        {motion === 'listening' && <p className="muted small">{t('shake.hint')}</p>}
      </div>

      <label className={styles.check}>
        <input type="checkbox" checked={useLocation} onChange={(e) => toggleLocation(e.target.checked)} data-testid="shake-location" />
        <span>{t('shake.useLocation')}</span>
      </label>
      {locationError && <p className="muted small">{t('shake.locationUnavailable')}</p>}
      <p className="muted small" data-testid="shake-delay">
        {delay.oneWayMs === null ? t('shake.measuring') : t('shake.delay', { ms: delay.oneWayMs })}
      </p>
      <nav className="menu">
        <Link to="/match" className="menu-item" data-testid="shake-to-match">
          <span>{t('match.title')}</span>
        </Link>
      </nav>
    </section>
  );
}
