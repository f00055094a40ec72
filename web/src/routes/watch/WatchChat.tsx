import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useI18n } from '../../lib/i18n.tsx';
import type { ChatLine } from './useWatchChannel.ts';
import styles from './WatchChat.module.css';

const REACTIONS = ['❤️', '😂', '🔥', '👏', '😮'];

/** Reactions, the party's chat and a line to write in. */
export function WatchChat({
  chat,
  onReact,
  onSend,
}: {
  chat: ChatLine[];
  onReact: (emoji: string) => void;
  onSend: (text: string) => void;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState('');
  const list = useRef<HTMLUListElement>(null);
  // The newest line is at the bottom: keep it in view as lines arrive.
  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [chat.length]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = draft.trim();
    if (!text) return;
    setDraft('');
    onSend(text);
  };
  return (
    <section className={styles.chat} aria-label={t('watch.chat')}>
      <ul ref={list} className={styles.list} data-testid="watch-chat">
        {chat.length === 0 && <li className="muted small">{t('watch.noChat')}</li>}
        {chat.map((c) => (
          <li key={c.key} data-testid="watch-chat-line">
            <strong>{c.from?.displayName ?? '…'}</strong> {c.text}
          </li>
        ))}
      </ul>
      <div className={styles.reactions}>
        {REACTIONS.map((e) => (
          <button
            key={e}
            type="button"
            className="btn btn-small btn-quiet"
            aria-label={`${t('watch.react')} ${e}`}
            onClick={() => onReact(e)}
            data-testid="watch-reaction"
          >
            {e}
          </button>
        ))}
      </div>
      <form className={styles.form} onSubmit={submit}>
        <input
          value={draft}
          maxLength={2000}
          placeholder={t('watch.chatPlaceholder')}
          aria-label={t('watch.chatPlaceholder')}
          onChange={(e) => setDraft(e.currentTarget.value)}
          data-testid="watch-chat-input"
        />
        <button type="submit" className="btn btn-small btn-primary" data-testid="watch-chat-send">
          {t('watch.send')}
        </button>
      </form>
    </section>
  );
}
