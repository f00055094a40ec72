import { useCallback, useEffect, useRef, useState } from 'react';
import * as api from '@tremolo/protocol/api';
import type { MessageKey } from '../../lib/i18n.tsx';
import { useApiMutation } from '../../lib/queries.ts';
import { PublishError } from '../../lib/realtime.ts';
import { mediaProblem, openCamera, type MediaProblem } from './rtc.ts';
import { useMatch, type EndReason } from './useMatch.ts';
import { useMatchMe } from './useMatchMe.ts';

export type Notice = { key: MessageKey; vars?: Record<string, string> } | null;

const ENDED_NOTICE: Record<EndReason, MessageKey> = {
  next: 'match.peerNext',
  left: 'match.peerLeft',
  disconnected: 'match.peerGone',
  reported: 'match.reportSent',
  blocked: 'match.blockedDone',
  banned: 'match.peerGone',
};

const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/**
 * 连线 as the page runs it: my stored state and picks, the camera, the queue (start, next, leave)
 * and what to tell the person when a call ends. When the other person moves on, I am queued again.
 */
export function useMatchLobby() {
  const { me, setMe, error, load } = useMatchMe();
  const prefs = useApiMutation(api.match.setPrefs, { onSuccess: setMe });
  const [local, setLocal] = useState<MediaStream | null>(null);
  const localRef = useRef<MediaStream | null>(null);
  const [camera, setCamera] = useState<MediaProblem | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [starting, setStarting] = useState(false);
  const [sheet, setSheet] = useState(false);
  const [banned, setBanned] = useState(false);
  const [interests, setInterests] = useState<string[]>([]);
  const [languages, setLanguages] = useState<string[]>([]);
  /** The call I ended myself (next, leave, report, block): no automatic requeue for it. */
  const mineRef = useRef<string | null>(null);
  const prefsRef = useRef({ interests, languages });
  prefsRef.current = { interests, languages };

  useEffect(() => {
    if (me) {
      setInterests(me.interests);
      setLanguages(me.languages);
      if (me.banned) setBanned(true);
    }
  }, [me]);

  const stopCamera = useCallback(() => {
    for (const tr of localRef.current?.getTracks() ?? []) tr.stop();
    localRef.current = null;
    setLocal(null);
  }, []);
  useEffect(() => stopCamera, [stopCamera]);

  /** A refused queue action: the cool-down or ban behind it comes from the stored state. */
  const explain = useCallback(
    async (e: unknown) => {
      if (e instanceof PublishError && (e.code === 'rate_limited' || e.code === 'forbidden' || e.code === 'opt_in_required')) {
        const m = await load();
        if (m?.banned) return setBanned(true);
        if (m?.cooldownUntil) return setNotice({ key: 'match.cooldown', vars: { time: clock(m.cooldownUntil) } });
        if (e.code === 'rate_limited') return setNotice({ key: 'match.tooManySkips' });
      }
      setActionError(e);
    },
    [load],
  );

  const m = useMatch({
    onFound: (c) => {
      setNotice(null);
      setActionError(null);
      const cam = localRef.current;
      if (cam) m.startVideo(cam, c.role === 'offerer');
    },
    onEnded: (c, reason) => {
      setSheet(false);
      if (mineRef.current === c.id) return;
      setNotice({ key: ENDED_NOTICE[reason] });
      // Only the one who reported or blocked hears these (the other hears "left"): back to the lobby.
      if (reason === 'reported' || reason === 'blocked') return;
      // The other person moved on: straight back into the queue, as the person asked to be.
      if (reason !== 'banned' && localRef.current) void m.queue('join', prefsRef.current).catch(explain);
    },
    onBanned: () => {
      setBanned(true);
      stopCamera();
    },
    onLost: () => setNotice({ key: 'match.lost' }),
  });

  /** The picks become the stored choice (so they are chosen again next time) when they changed. */
  const savePrefs = async () => {
    if (!me || (sameTags(interests, me.interests) && sameTags(languages, me.languages))) return;
    await prefs.mutateAsync({ body: { interests, languages } });
  };

  const start = async () => {
    setActionError(null);
    setNotice(null);
    setStarting(true);
    try {
      if (!localRef.current) {
        try {
          const s = await openCamera();
          localRef.current = s;
          setLocal(s);
          setCamera(null);
        } catch (e) {
          setCamera(mediaProblem(e));
          return;
        }
      }
      await savePrefs();
      await m.queue('join', { interests, languages });
    } catch (e) {
      await explain(e);
    } finally {
      setStarting(false);
    }
  };

  const next = async () => {
    setActionError(null);
    mineRef.current = m.call?.id ?? null;
    try {
      await m.queue('next', { interests, languages });
    } catch (e) {
      mineRef.current = null;
      await explain(e);
    }
  };

  const leave = async () => {
    setActionError(null);
    mineRef.current = m.call?.id ?? null;
    try {
      await m.queue('leave');
    } catch (e) {
      setActionError(e);
    }
    m.forget();
    m.setPhase('idle');
    stopCamera();
  };

  const safetyDone = (what: 'reported' | 'blocked') => {
    mineRef.current = m.call?.id ?? null;
    setSheet(false);
    m.forget();
    m.setPhase('idle');
    setNotice({ key: what === 'reported' ? 'match.reportSent' : 'match.blockedDone' });
  };

  return {
    me,
    setMe,
    error,
    load,
    m,
    local,
    camera,
    notice,
    cooldown: me?.cooldownUntil ? clock(me.cooldownUntil) : null,
    actionError,
    starting,
    sheet,
    setSheet,
    banned,
    interests,
    setInterests,
    languages,
    setLanguages,
    start,
    next,
    leave,
    safetyDone,
  };
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
