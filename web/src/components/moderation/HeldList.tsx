import * as api from '@tremolo/protocol/api';
import { Avatar } from '../Avatar.tsx';
import { Empty, ErrorMessage, Loading } from '../Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiMutation, useApiQuery } from '../../lib/queries.ts';
import { timeAgo } from '../../lib/time.ts';
import styles from './moderation.module.css';

/** Text a word filter held: released (delivered now) or removed, by the creator (their list) or moderators (the site's). */
export function HeldList({ scope }: { scope: 'site' | 'mine' }) {
  const { t, lang } = useI18n();
  const held = useApiQuery(api.moderation.held, { query: { scope } });
  const decide = useApiMutation(api.moderation.decideHeld, { invalidates: [api.moderation.held] });
  return (
    <div className="stack" data-testid={`held-${scope}`}>
      {held.isPending && <Loading />}
      {held.error !== null && <ErrorMessage error={held.error} onRetry={() => void held.refetch()} />}
      {decide.error !== null && <ErrorMessage error={decide.error} />}
      {held.data?.items.length === 0 && (
        <Empty testId="held-empty">
          <p>{t('safety.noHeld')}</p>
        </Empty>
      )}
      <ul className={styles.list}>
        {held.data?.items.map((h) => (
          <li key={h.id} className="panel stack-tight" data-testid="held-item">
            <div className={styles.person}>
              <Avatar user={h.author} size={32} />
              <span className="small muted">
                {t('safety.heldIn', { name: h.author.displayName, place: h.placeName, word: h.word })} · {timeAgo(h.createdAt, lang)}
              </span>
            </div>
            <p data-testid="held-text">{h.text}</p>
            <div className="actions-row">
              <button
                type="button"
                className="btn btn-small"
                disabled={decide.isPending}
                onClick={() => decide.mutate({ params: { id: h.id }, body: { decision: 'release' } })}
                data-testid="held-release"
              >
                {t('safety.release')}
              </button>
              <button
                type="button"
                className="btn btn-small btn-ghost"
                disabled={decide.isPending}
                onClick={() => decide.mutate({ params: { id: h.id }, body: { decision: 'remove' } })}
                data-testid="held-remove"
              >
                {t('safety.discard')}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
