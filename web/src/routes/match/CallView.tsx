import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import { MAX_SNAPSHOT_BYTES, MatchReportReason, api, type Card, type Relationship, type UserSummary } from '@tremolo/protocol';
import type { z } from 'zod';
import { Avatar } from '../../components/Avatar.tsx';
import { ErrorMessage } from '../../components/Status.tsx';
import { fetchCard } from '../../lib/cards.ts';
import { call } from '../../lib/client.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { useApiMutation } from '../../lib/queries.ts';
import type { ChatLine } from './useMatch.ts';
import { snapshotFrame } from './rtc.ts';

/** Plays a stream in a <video>; the remote one falls back to muted when the browser blocks sound. */
export function StreamVideo({
  stream,
  muted,
  testId,
  videoRef,
  className,
  onSoundBlocked,
}: {
  stream: MediaStream | null;
  muted: boolean;
  testId: string;
  className: string;
  videoRef?: RefObject<HTMLVideoElement | null>;
  onSoundBlocked?: () => void;
}) {
  const own = useRef<HTMLVideoElement>(null);
  const ref = videoRef ?? own;
  useEffect(() => {
    const v = ref.current;
    if (!v) return;
    if (v.srcObject !== stream) v.srcObject = stream;
    if (!stream) return;
    v.play().catch(() => {
      // Autoplay with sound needs a gesture on this page; picture first, sound on a tap.
      if (muted) return;
      v.muted = true;
      onSoundBlocked?.();
      void v.play().catch(() => undefined);
    });
  }, [stream, muted, ref, onSoundBlocked]);
  return <video ref={ref} className={className} autoPlay playsInline muted={muted} data-testid={testId} />;
}

/**
 * The call screen: the other person big, me small in a corner, the actions over the picture and
 * a short chat beside it (below it on a phone). No countdown: a call lasts until someone moves on.
 */
export function CallView({
  peer,
  local,
  remote,
  connection,
  chat,
  onSend,
  remoteRef,
  actions,
  notice,
  top,
}: {
  peer: UserSummary;
  local: MediaStream | null;
  remote: MediaStream | null;
  connection: RTCPeerConnectionState | null;
  chat: ChatLine[];
  onSend: (text: string) => Promise<void>;
  remoteRef: RefObject<HTMLVideoElement | null>;
  actions: ReactNode;
  notice?: ReactNode;
  top?: ReactNode;
}) {
  const { t } = useI18n();
  const [soundBlocked, setSoundBlocked] = useState(false);
  const onSoundBlocked = useCallback(() => setSoundBlocked(true), []);
  const [draft, setDraft] = useState('');
  const [sendError, setSendError] = useState<unknown>(null);
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    listRef.current?.scrollTo({ top: listRef.current.scrollHeight });
  }, [chat]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const text = draft.trim();
    if (!text) return;
    setSendError(null);
    try {
      await onSend(text);
      setDraft('');
    } catch (err) {
      setSendError(err);
    }
  };

  const status: MessageKey | null =
    connection === 'connected'
      ? null
      : connection === 'failed'
        ? 'match.connectionFailed'
        : connection === 'disconnected'
          ? 'match.connectionShaky'
          : 'match.connecting';

  return (
    <div className="match-call" data-testid="match-call">
      <div className="match-stage">
        <StreamVideo
          stream={remote}
          muted={false}
          testId="match-remote-video"
          className="match-remote"
          videoRef={remoteRef}
          onSoundBlocked={onSoundBlocked}
        />
        <StreamVideo stream={local} muted testId="match-local-video" className="match-local" />
        <div className="match-peer">
          <Avatar user={peer} size={32} />
          <span data-testid="match-peer-name">{peer.displayName}</span>
        </div>
        {top}
        {status && (
          <div className="match-overlay-note" role="status" data-testid="match-connection">
            {t(status)}
          </div>
        )}
        {soundBlocked && (
          <button
            type="button"
            className="btn btn-small match-sound"
            onClick={() => {
              const v = remoteRef.current;
              if (v) {
                v.muted = false;
                void v.play();
              }
              setSoundBlocked(false);
            }}
          >
            {t('match.tapForSound')}
          </button>
        )}
        <div className="match-actions">{actions}</div>
      </div>
      <aside className="match-side">
        {notice}
        <ol className="match-chat" ref={listRef} data-testid="match-chat" aria-live="polite">
          {chat.map((l) => (
            <li key={l.key} className={l.mine ? 'mine' : ''} data-testid="match-chat-line">
              {l.text}
            </li>
          ))}
        </ol>
        <form className="match-chat-form" onSubmit={(e) => void submit(e)}>
          <input
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            maxLength={500}
            placeholder={t('match.chatPlaceholder')}
            aria-label={t('match.chatPlaceholder')}
            data-testid="match-chat-input"
          />
          <button type="submit" className="btn btn-small btn-primary" disabled={!draft.trim()} data-testid="match-chat-send">
            {t('match.send')}
          </button>
        </form>
        {sendError !== null && <ErrorMessage error={sendError} testId="match-chat-error" />}
      </aside>
    </div>
  );
}

/** The other person's card: who they are and how they relate to me (loaded once per match). */
export function usePeerCard(handle: string | null): { card: Card | null; setRelationship: (r: Relationship) => void } {
  const [card, setCard] = useState<Card | null>(null);
  useEffect(() => {
    setCard(null);
    if (!handle) return;
    let cancelled = false;
    fetchCard(handle).then(
      (c) => !cancelled && setCard(c),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [handle]);
  return { card, setRelationship: (r) => setCard((c) => (c ? { ...c, relationship: r } : c)) };
}

/** Follow from a call or a shake card; following back makes a friend. */
export function FollowButton({
  handle,
  relationship,
  onChange,
  className = 'btn btn-small',
}: {
  handle: string;
  relationship: Relationship | null;
  onChange: (r: Relationship) => void;
  className?: string;
}) {
  const { t } = useI18n();
  const following = useApiMutation(api.graph.follow, {
    invalidates: [api.graph.followers, api.graph.following, api.graph.friends],
    onSuccess: (res) => onChange(res.relationship),
  });
  const busy = following.isPending;
  const error = following.error;
  const r = relationship;
  if (r?.blocking || r?.blockedBy) return null;
  const follow = () => following.mutate({ params: { handle } });
  if (r?.following) {
    return (
      <span className="pill" data-testid="match-following">
        {r.friends ? t('match.friends') : t('match.following')}
      </span>
    );
  }
  return (
    <>
      <button type="button" className={className} onClick={follow} disabled={busy} data-testid="match-follow">
        {busy ? t('common.working') : r?.followedBy ? t('match.followBack') : t('match.follow')}
      </button>
      {error !== null && <ErrorMessage error={error} testId="match-follow-error" />}
    </>
  );
}

const REASONS = MatchReportReason.options;

/**
 * Report (with a frame of their video, taken now, when the person keeps the box ticked) or block.
 * Either ends the call on the server and the two are never matched again.
 */
export function SafetySheet({
  peer,
  callId,
  remoteRef,
  onDone,
  onClose,
}: {
  peer: UserSummary;
  callId: string;
  remoteRef: RefObject<HTMLVideoElement | null>;
  onDone: (what: 'reported' | 'blocked') => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState<z.infer<typeof MatchReportReason> | null>(null);
  const [details, setDetails] = useState('');
  // Taken when the sheet opens: the picture the person is reporting, before the call ends.
  const [snapshot] = useState(() => (remoteRef.current ? snapshotFrame(remoteRef.current, MAX_SNAPSHOT_BYTES) : null));
  const [attach, setAttach] = useState(true);
  const [busy, setBusy] = useState<'report' | 'block' | null>(null);
  const [error, setError] = useState<unknown>(null);

  const report = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason) return;
    setBusy('report');
    setError(null);
    try {
      await call(api.match.report, {
        body: {
          userId: peer.id,
          callId,
          reason,
          ...(details.trim() ? { details: details.trim() } : {}),
          ...(attach && snapshot ? { snapshot } : {}),
        },
      });
      onDone('reported');
    } catch (err) {
      setError(err);
      setBusy(null);
    }
  };

  const block = async () => {
    setBusy('block');
    setError(null);
    try {
      await call(api.match.block, { body: { userId: peer.id, callId } });
      onDone('blocked');
    } catch (err) {
      setError(err);
      setBusy(null);
    }
  };

  return (
    <div className="match-sheet" role="dialog" aria-modal="true" aria-labelledby="match-report-title" data-testid="match-report-sheet">
      <form className="panel stack" onSubmit={(e) => void report(e)}>
        <h2 id="match-report-title">{t('match.reportTitle', { name: peer.displayName })}</h2>
        <fieldset className="match-reasons">
          <legend>{t('match.reportReason')}</legend>
          {REASONS.map((r) => (
            <label key={r}>
              <input
                type="radio"
                name="reason"
                value={r}
                checked={reason === r}
                onChange={() => setReason(r)}
                data-testid={`match-reason-${r}`}
              />
              {t(`match.reason.${r}`)}
            </label>
          ))}
        </fieldset>
        <textarea
          value={details}
          onChange={(e) => setDetails(e.target.value)}
          maxLength={500}
          rows={2}
          placeholder={t('match.reportDetails')}
          aria-label={t('match.reportDetails')}
          data-testid="match-report-details"
        />
        {snapshot ? (
          <label className="match-snapshot">
            <input type="checkbox" checked={attach} onChange={(e) => setAttach(e.target.checked)} data-testid="match-report-attach" />
            <img src={snapshot} alt={t('match.snapshotAlt')} data-testid="match-report-snapshot" />
            <span className="small">{t('match.attachSnapshot')}</span>
          </label>
        ) : (
          <p className="muted small">{t('match.noSnapshot')}</p>
        )}
        {error !== null && <ErrorMessage error={error} testId="match-report-error" />}
        <div className="actions-row">
          <button type="submit" className="btn btn-danger" disabled={!reason || busy !== null} data-testid="match-report-submit">
            {busy === 'report' ? t('match.sending') : t('match.sendReport')}
          </button>
          <button type="button" className="btn btn-ghost" onClick={() => void block()} disabled={busy !== null} data-testid="match-block">
            {busy === 'block' ? t('common.working') : t('match.block')}
          </button>
          <button
            type="button"
            className="btn btn-ghost btn-quiet"
            onClick={onClose}
            disabled={busy !== null}
            data-testid="match-report-cancel"
          >
            {t('common.cancel')}
          </button>
        </div>
        <p className="muted small">{t('match.reportHint')}</p>
      </form>
    </div>
  );
}
