import * as api from '@tremolo/protocol/api';
import { useI18n } from '../lib/i18n.tsx';
import { useApiMutation } from '../lib/queries.ts';
import { useSession } from '../lib/session.tsx';
import { cx } from '../lib/cx.ts';
import styles from './ConnectionBanner.module.css';

/** Logging in while my account waits to be deleted: say when, and offer to keep it. */
export function DeletionBanner() {
  const { me, updateMe } = useSession();
  const { t, lang } = useI18n();
  const keep = useApiMutation(api.rights.cancelDeletion, {
    onSuccess: () => {
      if (me) updateMe({ ...me, deletionDueAt: null });
    },
  });
  if (!me?.deletionDueAt) return null;
  const time = new Date(me.deletionDueAt).toLocaleString(lang, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <div className={cx(styles.banner, styles['banner-warn'])} role="alert" data-testid="deletion-banner">
      {t('rights.pendingBanner', { time })}
      <button
        type="button"
        className="btn btn-small"
        onClick={() => keep.mutate(undefined)}
        disabled={keep.isPending}
        data-testid="deletion-keep"
      >
        {keep.isPending ? t('rights.keeping') : t('rights.keep')}
      </button>
    </div>
  );
}
