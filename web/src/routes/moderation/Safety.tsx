import { useState } from 'react';
import { Link } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import type { ActionNotice } from '@tremolo/protocol';
import { HeldList } from '../../components/moderation/HeldList.tsx';
import { WordList } from '../../components/moderation/WordList.tsx';
import { Empty, ErrorMessage, Loading } from '../../components/Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiMutation, useApiQuery } from '../../lib/queries.ts';
import { timeAgo } from '../../lib/time.ts';
import styles from '../../components/moderation/moderation.module.css';

/** A person's safety page: actions taken on their account (with an appeal), their word filter, and what it held. */
export function Safety() {
  const { t, lang } = useI18n();
  const me = useApiQuery(api.moderation.me, {});
  return (
    <section className="stack" data-testid="safety-page">
      <header className="page-head">
        <h1>{t('safety.title')}</h1>
      </header>
      {me.data?.isModerator && (
        <Link to="/moderation/queue" className="btn btn-ghost" data-testid="safety-mod-queue">
          {t('mod.allSurfaces')}
        </Link>
      )}
      {me.data?.mutedUntil && (
        <p className="error-box" role="status" data-testid="safety-muted">
          {t('safety.mutedBanner', { time: new Date(me.data.mutedUntil).toLocaleString(lang) })}
        </p>
      )}
      <h2>{t('safety.notices')}</h2>
      {me.isPending && <Loading />}
      {me.error !== null && <ErrorMessage error={me.error} onRetry={() => void me.refetch()} />}
      {me.data?.notices.length === 0 && (
        <Empty testId="safety-no-notices">
          <p>{t('safety.noNotices')}</p>
        </Empty>
      )}
      <ul className={styles.list}>
        {me.data?.notices.map((n) => (
          <Notice key={n.id} notice={n} />
        ))}
      </ul>
      <h2>{t('safety.words')}</h2>
      <p className="muted small">{t('safety.wordsHint')}</p>
      <WordList scope="mine" />
      <h2>{t('safety.held')}</h2>
      <HeldList scope="mine" />
    </section>
  );
}

function Notice({ notice: n }: { notice: ActionNotice }) {
  const { t, lang } = useI18n();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const appeal = useApiMutation(api.moderation.appeal, { invalidates: [api.moderation.me], onSuccess: () => setOpen(false) });
  return (
    <li className="panel stack-tight" data-testid="safety-notice" data-kind={n.kind}>
      <strong>
        {t(`safety.kind.${n.kind}`)}
        {n.until && !n.revoked ? ` · ${t('safety.until', { time: new Date(n.until).toLocaleString(lang) })}` : ''}
      </strong>
      <span className="small muted">{timeAgo(n.createdAt, lang)}</span>
      {n.contentTitle !== null && (
        <span className="small">
          {n.surface ? `${t(`report.surface.${n.surface}`)} · ` : ''}
          {n.contentTitle}
        </span>
      )}
      <p>{n.note}</p>
      {n.revoked && <span className="pill">{t('safety.revoked')}</span>}
      {n.appeal ? (
        <p className="small" data-testid="safety-appeal-status">
          {t('safety.appealStatus', { status: t(`mod.appeal.status.${n.appeal.status}`) })}
        </p>
      ) : open ? (
        <form
          className="stack-tight"
          onSubmit={(e) => {
            e.preventDefault();
            if (text.trim()) appeal.mutate({ params: { id: n.id }, body: { text: text.trim() } });
          }}
        >
          <textarea
            value={text}
            onChange={(e) => setText(e.target.value)}
            rows={3}
            maxLength={1000}
            placeholder={t('safety.appealText')}
            aria-label={t('safety.appealText')}
            data-testid="safety-appeal-text"
          />
          <div className="actions-row">
            <button type="submit" className="btn btn-small" disabled={appeal.isPending || !text.trim()} data-testid="safety-appeal-send">
              {t('safety.appealSend')}
            </button>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </button>
          </div>
          {appeal.error !== null && <ErrorMessage error={appeal.error} />}
        </form>
      ) : (
        !n.revoked && (
          <div className="actions-row">
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setOpen(true)} data-testid="safety-appeal">
              {t('safety.appeal')}
            </button>
          </div>
        )
      )}
    </li>
  );
}
