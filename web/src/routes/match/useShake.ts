import { useCallback, useEffect, useRef, useState } from 'react';
import type { MatchOptIn } from '@tremolo/protocol';
import type { MessageKey } from '../../lib/i18n.tsx';
import { PublishError } from '../../lib/realtime.ts';
import { mediaProblem, openCamera, type MediaProblem } from './rtc.ts';
import { useMatch } from './useMatch.ts';
import type { Notice } from './useMatchLobby.ts';
import { useMatchMe } from './useMatchMe.ts';
import { useOneWayDelay } from './useOneWayDelay.ts';
import { usePeerCard } from './usePeerCard.ts';
import { useShakeLocation } from './useShakeLocation.ts';
import { useShakeMotion } from './useShakeMotion.ts';

const RING_NOTICE = { declined: 'shake.declined', no_answer: 'shake.noAnswer' } as const satisfies Record<string, MessageKey>;

/**
 * Shake as the page runs it: a shake (the sensor or the button) goes out with the measured
 * one-way delay and, if allowed, a coarse place; a match shows the other person's card, from
 * which a video call is placed (after the 18+ opt-in) or a ringing one answered or declined.
 */
export function useShake() {
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
  const location = useShakeLocation();
  const [notice, setNotice] = useState<Notice>(null);
  const [error, setError] = useState<unknown>(null);
  const [banned, setBanned] = useState(false);
  const [local, setLocal] = useState<MediaStream | null>(null);
  const localRef = useRef<MediaStream | null>(null);
  const [camera, setCamera] = useState<MediaProblem | null>(null);
  const [sheet, setSheet] = useState(false);
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

  const { here } = location;
  const shake = useCallback(async () => {
    if (busy.current) return;
    busy.current = true;
    setError(null);
    setNotice(null);
    try {
      const oneWayMs = Math.min(5000, await delay.current());
      const at = here();
      await m.shake({ oneWayMs, ...(at ? { lat: at.lat, lng: at.lng } : {}) });
    } catch (e) {
      if (e instanceof PublishError && e.code === 'forbidden') setBanned(true);
      else setError(e);
    } finally {
      busy.current = false;
    }
  }, [delay, m, here]);

  // Motion: a real shake sends one, while the page is open and no video call is on.
  const motion = useShakeMotion(() => void shake(), m.videoOn);

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

  /** A video call is for adults only, as 连线 is: without the stored opt-in, ask for it first. */
  const videoCall = async () => {
    setError(null);
    setNotice(null);
    const state = optInState.me ?? (await optInState.load());
    if (!state) return setError(optInState.error ?? new Error('match state unavailable'));
    if (!state.adultConfirmedAt || !state.rulesAcceptedAt) return setAskOptIn(true);
    await placeCall();
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

  return {
    m,
    call,
    card,
    setRelationship,
    oneWayMs: delay.oneWayMs,
    location,
    motion,
    notice,
    error,
    banned,
    local,
    camera,
    placed,
    askOptIn,
    sheet,
    setSheet,
    shake: () => void shake(),
    videoCall: () => void videoCall(),
    hangUp: () => void hangUp(),
    decline: () => void m.declineIncoming().catch(setError),
    cancelOptIn: () => setAskOptIn(false),
    /** Opted in from the card: the call goes out at once. */
    optedIn: (saved: MatchOptIn) => {
      optInState.setMe(saved);
      setAskOptIn(false);
      void placeCall();
    },
    /** Reported or blocked from the call: it is over, and the person is told the report went in. */
    safetyDone: () => {
      setSheet(false);
      stopCamera();
      m.forget();
      setNotice({ key: 'match.reportSent' });
    },
  };
}
