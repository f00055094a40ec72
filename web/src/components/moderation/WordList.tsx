import { useState, type FormEvent } from 'react';
import * as api from '@tremolo/protocol/api';
import type { WordAction } from '@tremolo/protocol';
import { Empty, ErrorMessage, Loading } from '../Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiMutation, useApiQuery } from '../../lib/queries.ts';
import styles from './moderation.module.css';

/** A word filter list: the site's (moderators) or my own (for my groups, rooms and comments). */
export function WordList({ scope }: { scope: 'site' | 'mine' }) {
  const { t } = useI18n();
  const words = useApiQuery(api.moderation.words, { query: { scope } });
  const add = useApiMutation(api.moderation.addWord, { invalidates: [api.moderation.words] });
  const remove = useApiMutation(api.moderation.removeWord, { invalidates: [api.moderation.words] });
  const [word, setWord] = useState('');
  const [action, setAction] = useState<WordAction>('hold');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!word.trim()) return;
    add.mutate({ body: { scope, word: word.trim(), action } }, { onSuccess: () => setWord('') });
  };

  return (
    <div className="stack" data-testid={`words-${scope}`}>
      <form className={styles.addWord} onSubmit={submit}>
        <input
          value={word}
          onChange={(e) => setWord(e.target.value)}
          maxLength={60}
          placeholder={t('safety.word')}
          aria-label={t('safety.word')}
          data-testid="word-input"
        />
        <select
          value={action}
          onChange={(e) => setAction(e.target.value as WordAction)}
          aria-label={t('mod.filter.status')}
          data-testid="word-action"
        >
          <option value="hold">{t('safety.hold')}</option>
          <option value="block">{t('safety.block')}</option>
        </select>
        <button type="submit" className="btn btn-small" disabled={add.isPending || !word.trim()} data-testid="word-add">
          {t('safety.add')}
        </button>
      </form>
      {add.error !== null && <ErrorMessage error={add.error} />}
      {words.isPending && <Loading />}
      {words.error !== null && <ErrorMessage error={words.error} onRetry={() => void words.refetch()} />}
      {words.data?.items.length === 0 && (
        <Empty testId="words-empty">
          <p>{t('safety.noWords')}</p>
        </Empty>
      )}
      <ul className={styles.chips}>
        {words.data?.items.map((w) => (
          <li key={w.id} className={styles.chip} data-testid="word">
            <span>{w.word}</span>
            <span className="pill">{w.action === 'block' ? t('safety.block') : t('safety.hold')}</span>
            <button
              type="button"
              className="btn btn-small btn-ghost btn-quiet"
              onClick={() => remove.mutate({ params: { id: w.id } })}
              aria-label={`${t('safety.remove')} ${w.word}`}
            >
              ✕
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
