import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import type { UserSummary } from '@tremolo/protocol';
import { Avatar } from '../../components/Avatar.tsx';
import { ErrorMessage } from '../../components/Status.tsx';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import type { ChatLine } from './useMatch.ts';
import styles from './CallView.module.css';

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
  className?: string;
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
  testId,
  children,
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
  /** The page's test id on the full-screen frame. */
  testId: string;
  /** Shown over the call (the safety sheet). */
  children?: ReactNode;
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
    <div className={styles.pageCall} data-testid={testId}>
      <div className={styles.call} data-testid="match-call">
        <div className={styles.stage}>
          <StreamVideo
            stream={remote}
            muted={false}
            testId="match-remote-video"
            className={styles.remote}
            videoRef={remoteRef}
            onSoundBlocked={onSoundBlocked}
          />
          <StreamVideo stream={local} muted testId="match-local-video" className={styles.local} />
          <div className={styles.peer}>
            <Avatar user={peer} size={32} />
            <span data-testid="match-peer-name">{peer.displayName}</span>
          </div>
          {top}
          {status && (
            <div className={styles.overlayNote} role="status" data-testid="match-connection">
              {t(status)}
            </div>
          )}
          {soundBlocked && (
            <button
              type="button"
              className={`btn btn-small ${styles.sound}`}
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
          <div className={styles.actions}>{actions}</div>
        </div>
        <aside className={styles.side}>
          {notice}
          <ol className={styles.chat} ref={listRef} data-testid="match-chat" aria-live="polite">
            {chat.map((l) => (
              <li key={l.key} className={l.mine ? styles.mine : ''} data-testid="match-chat-line">
                {l.text}
              </li>
            ))}
          </ol>
          <form className={styles.chatForm} onSubmit={(e) => void submit(e)}>
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
      {children}
    </div>
  );
}
