import { useState } from 'react';
import { Link } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import type { MatchReport } from '@tremolo/protocol';
import { Avatar } from '../../components/Avatar.tsx';
import { Empty, ErrorMessage, Loading } from '../../components/Status.tsx';
import { LoadMore } from '../../components/LoadMore.tsx';
import { urlOf } from '../../lib/client.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiMutation, useApiPages } from '../../lib/queries.ts';
import { timeAgo } from '../../lib/time.ts';
import shared from '../../components/moderation/moderation.module.css';
import styles from './ModerationPage.module.css';

type Status = 'open' | 'dismissed' | 'actioned';
const STATUSES: Status[] = ['open', 'actioned', 'dismissed'];

/** Reports from 连线 and shake for moderators: the snapshot, the reason, dismiss, or ban. */
export function ModerationPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState<Status>('open');
  const pages = useApiPages(api.match.reports, { query: { status, limit: 20 } });
  // What this moderator just did shows at once, before the list is read again.
  const [handled, setHandled] = useState<ReadonlySet<string>>(new Set());
  const [bannedIds, setBannedIds] = useState<ReadonlySet<string>>(new Set());
  const items = pages.data
    ? pages.data.pages
        .flatMap((p) => p.items)
        .filter((x) => !(x.status === 'open' && handled.has(x.id)))
        .map((x) => (bannedIds.has(x.reported.id) ? { ...x, reportedBanned: true } : x))
    : null;
  const error = pages.isFetching ? null : pages.error;

  const forbidden = pages.error?.code === 'forbidden';
  if (forbidden) {
    return (
      <section className="stack" data-testid="moderation-forbidden">
        <header className="page-head">
          <h1>{t('moderation.title')}</h1>
        </header>
        <p className="error-box" role="alert">
          {t('moderation.forbidden')}
        </p>
      </section>
    );
  }

  return (
    <section className={`stack ${styles.page}`} data-testid="moderation-page">
      <header className="page-head">
        <h1>{t('moderation.title')}</h1>
        <p className="muted">{t('moderation.lead')}</p>
        <Link to="/moderation/queue" className="small" data-testid="moderation-all-surfaces">
          {t('mod.allSurfaces')}
        </Link>
      </header>
      <div className="segmented" role="tablist">
        {STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            role="tab"
            aria-selected={status === s}
            className={status === s ? 'active' : ''}
            onClick={() => setStatus(s)}
            data-testid={`moderation-tab-${s}`}
          >
            {t(`moderation.status.${s}`)}
          </button>
        ))}
      </div>
      {error !== null && (
        <ErrorMessage error={error} onRetry={() => void (pages.data ? pages.fetchNextPage() : pages.refetch())} testId="moderation-error" />
      )}
      {items === null && error === null && <Loading testId="moderation-loading" />}
      {items?.length === 0 && (
        <Empty testId="moderation-empty">
          <p>{t('moderation.empty')}</p>
        </Empty>
      )}
      <ul className={shared.list}>
        {items?.map((r) => (
          <ReportItem
            key={r.id}
            report={r}
            onChanged={() => setHandled((cur) => new Set(cur).add(r.id))}
            onBanned={(userId) => setBannedIds((cur) => new Set(cur).add(userId))}
          />
        ))}
      </ul>
      <LoadMore pages={pages} testId="moderation-more" />
    </section>
  );
}

function ReportItem({
  report: r,
  onChanged,
  onBanned,
}: {
  report: MatchReport;
  onChanged: () => void;
  onBanned: (userId: string) => void;
}) {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState<'ban' | 'dismiss' | 'actioned' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [banning, setBanning] = useState(false);
  const [banReason, setBanReason] = useState(() => t(`match.reason.${r.reason}`));
  const [snapshotFailed, setSnapshotFailed] = useState(false);
  const ban = useApiMutation(api.match.ban, { invalidates: [api.match.reports] });
  const review = useApiMutation(api.match.review, { invalidates: [api.match.reports] });

  const act = async (what: 'ban' | 'dismiss' | 'actioned') => {
    setBusy(what);
    setError(null);
    try {
      if (what === 'ban') {
        await ban.mutateAsync({ body: { userId: r.reported.id, reason: banReason.trim() || r.reason, reportId: r.id } });
        onBanned(r.reported.id);
        setBanning(false);
      } else {
        await review.mutateAsync({ params: { id: r.id }, body: { status: what === 'dismiss' ? 'dismissed' : 'actioned' } });
      }
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <li className="panel stack" data-testid="moderation-report" data-report-id={r.id}>
      <div>
        <div className={shared.person}>
          <Avatar user={r.reported} size={40} />
          <div>
            <strong data-testid="moderation-reported">{r.reported.displayName}</strong>
            <span className="muted small"> @{r.reported.handle}</span>
            <p className="small muted">
              {t('moderation.openCount', { count: r.reportedOpenCount })}
              {r.reportedBanned && (
                <span className="pill" data-testid="moderation-banned">
                  {' '}
                  {t('moderation.banned')}
                </span>
              )}
            </p>
          </div>
        </div>
        <p className="small muted">
          {t('moderation.reportedBy', { name: r.reporter.displayName })} · {timeAgo(r.createdAt, lang)}
        </p>
      </div>
      <p>
        <span className="pill" data-testid="moderation-reason">
          {t(`match.reason.${r.reason}`)}
        </span>{' '}
        {r.details}
      </p>
      {r.hasSnapshot && !snapshotFailed && (
        <img
          className={styles.snapshot}
          src={urlOf(api.match.snapshot, { params: { id: r.id } })}
          alt={t('match.snapshotAlt')}
          onError={() => setSnapshotFailed(true)}
          data-testid="moderation-snapshot"
        />
      )}
      {r.hasSnapshot && snapshotFailed && <p className="muted small">{t('moderation.snapshotFailed')}</p>}
      {error !== null && <ErrorMessage error={error} />}
      {banning ? (
        <div className="stack">
          <input
            value={banReason}
            onChange={(e) => setBanReason(e.target.value)}
            maxLength={300}
            aria-label={t('moderation.banReason')}
            placeholder={t('moderation.banReason')}
            data-testid="moderation-ban-reason"
          />
          <div className="actions-row">
            <button
              type="button"
              className="btn btn-small btn-danger"
              disabled={busy !== null}
              onClick={() => void act('ban')}
              data-testid="moderation-ban-confirm"
            >
              {busy === 'ban' ? t('common.working') : t('moderation.banConfirm')}
            </button>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setBanning(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      ) : (
        r.status === 'open' && (
          <div className="actions-row">
            {!r.reportedBanned && (
              <button type="button" className="btn btn-small btn-danger" onClick={() => setBanning(true)} data-testid="moderation-ban">
                {t('moderation.ban')}
              </button>
            )}
            <button
              type="button"
              className="btn btn-small"
              disabled={busy !== null}
              onClick={() => void act('actioned')}
              data-testid="moderation-actioned"
            >
              {busy === 'actioned' ? t('common.working') : t('moderation.markActioned')}
            </button>
            <button
              type="button"
              className="btn btn-small btn-ghost"
              disabled={busy !== null}
              onClick={() => void act('dismiss')}
              data-testid="moderation-dismiss"
            >
              {busy === 'dismiss' ? t('common.working') : t('moderation.dismiss')}
            </button>
          </div>
        )
      )}
    </li>
  );
}
