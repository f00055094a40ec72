import { useState, type FormEvent } from 'react';
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
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = draft.trim();
    if (!text) return;
    setDraft('');
    onSend(text);
  };
  return (
    <div>
      <div>
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
      <ul className={styles.list} data-testid="watch-chat">
        {chat.map((c) => (
          <li key={c.key} data-testid="watch-chat-line">
            <strong>{c.from?.displayName ?? '…'}</strong> {c.text}
          </li>
        ))}
      </ul>
      <form className={styles.form} onSubmit={submit}>
        <input
          value={draft}
          maxLength={2000}
          placeholder={t('watch.chatPlaceholder')}
          onChange={(e) => setDraft(e.currentTarget.value)}
          data-testid="watch-chat-input"
        />
        <button type="submit" className="btn btn-small btn-primary" data-testid="watch-chat-send">
          {t('watch.send')}
        </button>
      </form>
    </div>
  );
}
