import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { MAX_MATCH_INTERESTS, MAX_MATCH_LANGUAGES, api, type MatchOptIn } from '@tremolo/protocol';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { keyOf, useApiMutation, useApiQuery } from '../../lib/queries.ts';
import { PublishError } from '../../lib/realtime.ts';
import { CallView, FollowButton, SafetySheet, StreamVideo, usePeerCard } from './CallView.tsx';
import { mediaProblem, openCamera, type MediaProblem } from './rtc.ts';
import { useMatch, type EndReason } from './useMatch.ts';
import './match.css';

const INTERESTS = ['music', 'games', 'movies', 'anime', 'sports', 'travel', 'food', 'pets', 'books', 'tech', 'art', 'dance'] as const;
const LANGUAGES = ['zh', 'en', 'ja', 'ko', 'es', 'fr'] as const;

type Notice = { key: MessageKey; vars?: Record<string, string> } | null;

const ENDED_NOTICE: Record<EndReason, MessageKey> = {
  next: 'match.peerNext',
  left: 'match.peerLeft',
  disconnected: 'match.peerGone',
  reported: 'match.reportSent',
  blocked: 'match.blockedDone',
  banned: 'match.peerGone',
};

/** My 连线 state (opt-in, cool-down, ban), read afresh on each visit since the server moves it on its own. */
export function useMatchMe() {
  const queryClient = useQueryClient();
  const query = useApiQuery(api.match.me, undefined, { refetchOnMount: 'always' });
  const { refetch } = query;
  const setMe = useCallback((m: MatchOptIn) => queryClient.setQueryData(keyOf(api.match.me), m), [queryClient]);
  const load = useCallback(async () => {
    const r = await refetch();
    return r.isError ? null : (r.data ?? null);
  }, [refetch]);
  return { me: query.data ?? null, setMe, error: query.error, load };
}

/**
 * 连线 (`/match`): opt in once (18+ and the rules), choose interests and languages, wait for
 * someone, then a peer-to-peer video call with chat. "Next" moves on at once; when the other
 * person moves on I am queued again without asking.
 */
export function MatchPage() {
  const { t } = useI18n();
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
  const remoteRef = useRef<HTMLVideoElement>(null);
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
        if (m?.cooldownUntil)
          return setNotice({
            key: 'match.cooldown',
            vars: { time: new Date(m.cooldownUntil).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) },
          });
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

  /** The picks become the stored choice (so they are chosen again next time) when they changed. */
  const savePrefs = async () => {
    if (!me || (sameTags(interests, me.interests) && sameTags(languages, me.languages))) return;
    await prefs.mutateAsync({ body: { interests, languages } });
  };

  const next = async () => {
    setActionError(null);
    const id = m.call?.id ?? null;
    mineRef.current = id;
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

  const peerHandle = m.call && !m.call.ended ? m.call.peer.handle : null;
  const { card, setRelationship } = usePeerCard(peerHandle);

  if (error !== null && !me) return <ErrorMessage error={error} onRetry={() => void load()} testId="match-error" />;
  if (!me) return <Loading testId="match-loading" />;
  if (banned) return <Banned />;
  if (!me.adultConfirmedAt || !me.rulesAcceptedAt) return <OptIn onDone={setMe} moderator={me.moderator} />;

  const inCall = m.call && !m.call.ended && m.phase === 'in_call';
  if (inCall && m.call) {
    const c = m.call;
    return (
      <div className="match-page match-page-call" data-testid="match-page">
        <CallView
          peer={c.peer}
          local={local}
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
              {actionError !== null && <ErrorMessage error={actionError} testId="match-action-error" />}
            </>
          }
          actions={
            <>
              <FollowButton handle={c.peer.handle} relationship={card?.relationship ?? null} onChange={setRelationship} />
              <button type="button" className="btn btn-small btn-danger" onClick={() => setSheet(true)} data-testid="match-report">
                {t('match.report')}
              </button>
              <button type="button" className="btn btn-small" onClick={() => void leave()} data-testid="match-leave">
                {t('match.leave')}
              </button>
              <button type="button" className="btn btn-small btn-primary" onClick={() => void next()} data-testid="match-next">
                {t('match.next')}
              </button>
            </>
          }
        />
        {sheet && <SafetySheet peer={c.peer} callId={c.id} remoteRef={remoteRef} onDone={safetyDone} onClose={() => setSheet(false)} />}
      </div>
    );
  }

  const waiting = m.phase === 'queued' || (m.phase === 'in_call' && !inCall);
  return (
    <section className="match-page stack" data-testid="match-page">
      <header className="page-head">
        <h1>{t('match.title')}</h1>
        <p className="muted">{t('match.lead')}</p>
      </header>
      {notice && (
        <p className="note" role="status" data-testid="match-notice">
          {t(notice.key, notice.vars)}
        </p>
      )}
      {me.cooldownUntil && !notice && (
        <p className="note" data-testid="match-cooldown">
          {t('match.cooldown', { time: new Date(me.cooldownUntil).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) })}
        </p>
      )}
      {camera && <CameraProblem problem={camera} />}
      {actionError !== null && <ErrorMessage error={actionError} testId="match-action-error" />}
      {waiting ? (
        <div className="match-waiting stack" data-testid="match-waiting">
          <div className="match-preview">
            <StreamVideo stream={local} muted testId="match-preview-video" className="match-preview-video" />
          </div>
          <p className="loading" role="status">
            <span className="spinner" aria-hidden="true" />
            {t('match.waiting')}
          </p>
          <button type="button" className="btn btn-ghost" onClick={() => void leave()} data-testid="match-leave">
            {t('match.leave')}
          </button>
        </div>
      ) : (
        <div className="stack" data-testid="match-lobby">
          <TagPicker
            label="match.interests"
            options={INTERESTS}
            value={interests}
            max={MAX_MATCH_INTERESTS}
            onChange={setInterests}
            testId="match-interest"
          />
          <TagPicker
            label="match.languages"
            options={LANGUAGES}
            value={languages}
            max={MAX_MATCH_LANGUAGES}
            onChange={setLanguages}
            testId="match-language"
            labels
          />
          <p className="muted small">{t('match.prefsHint')}</p>
          <button
            type="button"
            className="btn btn-primary btn-block"
            onClick={() => void start()}
            disabled={starting || !m.ready}
            data-testid="match-start"
          >
            {starting ? t('match.starting') : t('match.start')}
          </button>
          {!m.ready && <p className="muted small">{t('match.connectingServer')}</p>}
        </div>
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

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

export function CameraProblem({ problem }: { problem: MediaProblem }) {
  const { t } = useI18n();
  return (
    <div className="error-box" role="alert" data-testid="match-camera-error">
      <span>{t(`match.camera.${problem}`)}</span>
    </div>
  );
}

export function Banned() {
  const { t } = useI18n();
  return (
    <section className="stack match-page" data-testid="match-banned">
      <header className="page-head">
        <h1>{t('match.bannedTitle')}</h1>
      </header>
      <p className="error-box" role="alert">
        {t('match.banned')}
      </p>
      <Link to="/" className="btn btn-ghost">
        {t('match.backHome')}
      </Link>
    </section>
  );
}

function RulesList() {
  const { t } = useI18n();
  return (
    <ul className="match-rules">
      <li>{t('match.rule1')}</li>
      <li>{t('match.rule2')}</li>
      <li>{t('match.rule3')}</li>
      <li>{t('match.rule4')}</li>
    </ul>
  );
}

function TagPicker({
  label,
  options,
  value,
  max,
  onChange,
  testId,
  labels = false,
}: {
  label: MessageKey;
  options: readonly string[];
  value: string[];
  max: number;
  onChange: (v: string[]) => void;
  testId: string;
  labels?: boolean;
}) {
  const { t } = useI18n();
  const name = (o: string): string => {
    if (labels) {
      const k = `match.lang.${o}`;
      return (LANGUAGES as readonly string[]).includes(o) ? t(k as `match.lang.${(typeof LANGUAGES)[number]}`) : o;
    }
    return (INTERESTS as readonly string[]).includes(o) ? t(`match.interest.${o as (typeof INTERESTS)[number]}`) : o;
  };
  const all = [...options, ...value.filter((v) => !options.includes(v))];
  return (
    <fieldset className="match-tags">
      <legend>
        {t(label)} <span className="muted small">{t('match.upTo', { max })}</span>
      </legend>
      {all.map((o) => {
        const on = value.includes(o);
        return (
          <button
            key={o}
            type="button"
            className={`pill match-tag${on ? ' on' : ''}`}
            aria-pressed={on}
            disabled={!on && value.length >= max}
            onClick={() => onChange(on ? value.filter((v) => v !== o) : [...value, o])}
            data-testid={`${testId}-${o}`}
          >
            {name(o)}
          </button>
        );
      })}
    </fieldset>
  );
}

/**
 * Once: confirm 18+ and accept the rules (both stored with the time), with first preferences.
 * `compact` is the same confirmation inside another page (a shake card's video call): no
 * heading, no preferences, and a way back.
 */
export function OptIn({
  onDone,
  moderator,
  compact = false,
  lead = 'match.optInLead',
  submitLabel = 'match.optInSubmit',
  onCancel,
  testId = 'match-optin',
}: {
  onDone: (m: MatchOptIn) => void;
  moderator: boolean;
  compact?: boolean;
  lead?: MessageKey;
  submitLabel?: MessageKey;
  onCancel?: () => void;
  testId?: string;
}) {
  const { t } = useI18n();
  const [adult, setAdult] = useState(false);
  const [rules, setRules] = useState(false);
  const [interests, setInterests] = useState<string[]>([]);
  const [languages, setLanguages] = useState<string[]>([]);
  const optIn = useApiMutation(api.match.optIn, { onSuccess: onDone });
  const busy = optIn.isPending;
  const error = optIn.error;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!adult || !rules) return;
    optIn.mutate({ body: { confirmAdult: true, acceptRules: true, interests, languages } });
  };

  return (
    <form className={compact ? 'stack' : 'stack match-page'} onSubmit={submit} data-testid={testId}>
      {compact ? (
        <p className="muted">{t(lead)}</p>
      ) : (
        <header className="page-head">
          <h1>{t('match.title')}</h1>
          <p className="muted">{t(lead)}</p>
        </header>
      )}
      <div className={compact ? 'stack' : 'panel stack'}>
        <h2 className="section-title">{t('match.rulesTitle')}</h2>
        <RulesList />
        <label className="match-check">
          <input type="checkbox" checked={adult} onChange={(e) => setAdult(e.target.checked)} data-testid="match-adult" />
          <span>{t('match.confirmAdult')}</span>
        </label>
        <label className="match-check">
          <input type="checkbox" checked={rules} onChange={(e) => setRules(e.target.checked)} data-testid="match-rules" />
          <span>{t('match.acceptRules')}</span>
        </label>
      </div>
      {!compact && (
        <>
          <TagPicker
            label="match.interests"
            options={INTERESTS}
            value={interests}
            max={MAX_MATCH_INTERESTS}
            onChange={setInterests}
            testId="match-optin-interest"
          />
          <TagPicker
            label="match.languages"
            options={LANGUAGES}
            value={languages}
            max={MAX_MATCH_LANGUAGES}
            onChange={setLanguages}
            testId="match-optin-language"
            labels
          />
        </>
      )}
      {error !== null && <ErrorMessage error={error} testId="match-optin-error" />}
      <button type="submit" className="btn btn-primary btn-block" disabled={!adult || !rules || busy} data-testid="match-optin-submit">
        {busy ? t('common.saving') : t(submitLabel)}
      </button>
      {onCancel && (
        <button type="button" className="btn btn-ghost btn-block" onClick={onCancel} disabled={busy} data-testid="match-optin-cancel">
          {t('shake.cancel')}
        </button>
      )}
      {moderator && (
        <Link to="/moderation" className="btn btn-ghost" data-testid="match-to-moderation">
          {t('moderation.title')}
        </Link>
      )}
    </form>
  );
}
