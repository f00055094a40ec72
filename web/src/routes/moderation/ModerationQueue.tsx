import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import { ReportReason, ReportSurface, type ActionKind, type AppealItem, type QueueItem, type ReportStatus } from '@tremolo/protocol';
import { Avatar } from '../../components/Avatar.tsx';
import { HeldList } from '../../components/moderation/HeldList.tsx';
import { WordList } from '../../components/moderation/WordList.tsx';
import { LoadMore } from '../../components/LoadMore.tsx';
import { EscalatedAftersales } from '../shop/aftersales/EscalatedAftersales.tsx';
import { Empty, ErrorMessage, Loading } from '../../components/Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiMutation, useApiPages } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';
import { timeAgo } from '../../lib/time.ts';
import styles from '../../components/moderation/moderation.module.css';

type Tab = 'reports' | 'appeals' | 'aftersales' | 'held' | 'words' | 'audit';
const TABS: Tab[] = ['reports', 'appeals', 'aftersales', 'held', 'words', 'audit'];
const ACTIONS: ActionKind[] = ['remove', 'warn', 'mute', 'suspend', 'ban'];
const TITLE_REPEATS_SURFACE = new Set<ReportSurface>(['video', 'comment', 'group_message', 'dm']);

/** One queue for moderators: reports from every surface, appeals, held text of the site list, site words, and the audit log. */
export function ModerationQueue() {
  const { t } = useI18n();
  // The tab is in the address, so a notification can open the after-sales disputes directly.
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab');
  const tab: Tab = TABS.find((x) => x === asked) ?? 'reports';
  const setTab = (x: Tab) => setParams(x === 'reports' ? {} : { tab: x }, { replace: true });
  return (
    <section className="stack" data-testid="mod-queue">
      <header className="page-head">
        <h1>{t('mod.title')}</h1>
        <p className="muted">{t('mod.lead')}</p>
      </header>
      <div className={styles.tabs} role="tablist">
        {TABS.map((x) => (
          <button key={x} type="button" role="tab" aria-selected={tab === x} onClick={() => setTab(x)} data-testid={`mod-tab-${x}`}>
            {t(`mod.tab.${x}`)}
          </button>
        ))}
      </div>
      {tab === 'reports' && <Reports />}
      {tab === 'appeals' && <Appeals />}
      {tab === 'aftersales' && <EscalatedAftersales />}
      {tab === 'held' && <HeldList scope="site" />}
      {tab === 'words' && <WordList scope="site" />}
      {tab === 'audit' && <Audit />}
    </section>
  );
}

function Reports() {
  const { t } = useI18n();
  const [status, setStatus] = useState<ReportStatus>('open');
  const [surface, setSurface] = useState<ReportSurface | ''>('');
  const [reason, setReason] = useState<ReportReason | ''>('');
  const pages = useApiPages(api.moderation.queue, {
    query: { status, limit: 20, ...(surface ? { surface } : {}), ...(reason ? { reason } : {}) },
  });
  const items = pages.data?.pages.flatMap((p) => p.items) ?? null;
  return (
    <div className="stack">
      <div className={styles.filters}>
        <FilterSelect
          value={status}
          onChange={setStatus}
          label={t('mod.filter.status')}
          options={(['open', 'actioned', 'dismissed'] as const).map((v) => ({ value: v, label: t(`moderation.status.${v}`) }))}
          testId="mod-status"
        />
        <FilterSelect
          value={surface}
          onChange={setSurface}
          label={t('mod.filter.surface')}
          options={[
            { value: '', label: `${t('mod.filter.surface')}: ${t('mod.filter.all')}` },
            ...ReportSurface.options.map((v) => ({ value: v, label: t(`report.surface.${v}`) })),
          ]}
          testId="mod-surface"
        />
        <FilterSelect
          value={reason}
          onChange={setReason}
          label={t('mod.filter.reason')}
          options={[
            { value: '', label: `${t('mod.filter.reason')}: ${t('mod.filter.all')}` },
            ...ReportReason.options.map((v) => ({ value: v, label: t(`report.reason.${v}`) })),
          ]}
          testId="mod-reason"
        />
      </div>
      {pages.error !== null && <ErrorMessage error={pages.error} onRetry={() => void pages.refetch()} testId="mod-error" />}
      {items === null && pages.error === null && <Loading />}
      {items?.length === 0 && (
        <Empty testId="mod-empty">
          <p>{t('mod.empty')}</p>
        </Empty>
      )}
      <ul className={styles.list}>
        {items?.map((r) => (
          <ReportCard key={r.id} report={r} />
        ))}
      </ul>
      <LoadMore pages={pages} />
    </div>
  );
}

/** One filter of the queue: a choice among the values it lists. */
function FilterSelect<V extends string>({
  value,
  onChange,
  label,
  options,
  testId,
}: {
  value: V;
  onChange: (v: V) => void;
  label: string;
  options: { value: V; label: string }[];
  testId: string;
}) {
  return (
    <select
      value={value}
      onChange={(e) => {
        const picked = options.find((o) => o.value === e.target.value);
        if (picked) onChange(picked.value);
      }}
      aria-label={label}
      data-testid={testId}
    >
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

function ReportCard({ report: r }: { report: QueueItem }) {
  const { t, lang } = useI18n();
  const [note, setNote] = useState('');
  const [hours, setHours] = useState(24);
  const act = useApiMutation(api.moderation.act, { invalidates: [api.moderation.queue, api.moderation.audit] });
  const dismiss = useApiMutation(api.moderation.dismiss, { invalidates: [api.moderation.queue, api.moderation.audit] });
  const busy = act.isPending || dismiss.isPending;
  const s = r.snapshot;
  const run = (kind: ActionKind) =>
    act.mutate({
      body: {
        kind,
        reportId: r.id,
        note: note.trim() || t(`report.reason.${r.reason}`),
        ...(kind === 'mute' || kind === 'suspend' ? { hours } : {}),
      },
    });
  return (
    <li className="panel stack-tight" data-testid="mod-report" data-surface={r.surface}>
      <p className="small">
        <span className="pill">{t(`report.surface.${r.surface}`)}</span> <span className="pill">{t(`report.reason.${r.reason}`)}</span>{' '}
        <span className="muted">
          {t('mod.reportedBy', { name: r.reporter.displayName })} · {timeAgo(r.createdAt, lang)}
        </span>
      </p>
      {r.reported && (
        <div className={styles.person}>
          <Avatar user={r.reported} size={32} />
          <div className="small">
            <strong>{t('mod.about', { name: r.reported.displayName })}</strong> <span className="muted">@{r.reported.handle}</span>
            <div className="muted">{t('mod.openCount', { count: r.reportedOpenCount })}</div>
          </div>
        </div>
      )}
      {/* Titles of videos, comments and messages only repeat the surface; names of profiles, rooms and products say more. */}
      {!TITLE_REPEATS_SURFACE.has(r.surface) && <strong data-testid="mod-snapshot-title">{s.title}</strong>}
      {s.imageUrl && <img className={styles.snapshot} src={s.imageUrl} alt="" data-testid="mod-snapshot-image" />}
      {s.text && <p data-testid="mod-snapshot-text">{s.text}</p>}
      {s.context.length > 0 && (
        <>
          <span className="small muted">{t('mod.context')}</span>
          <ol className={styles.context}>
            {s.context.map((l) => (
              <li key={l.seq} className={l.reported ? styles.reported : undefined}>
                {l.from ? `@${l.from}: ` : ''}
                {l.text}
              </li>
            ))}
          </ol>
        </>
      )}
      {r.details && <p className="small">“{r.details}”</p>}
      {r.status === 'open' && (
        <>
          <div className={styles.actBar}>
            <input
              type="text"
              value={note}
              onChange={(e) => setNote(e.target.value)}
              maxLength={500}
              placeholder={t('mod.note')}
              aria-label={t('mod.note')}
              data-testid="mod-note"
            />
            <input
              type="number"
              min={1}
              max={8760}
              value={hours}
              onChange={(e) => setHours(Math.max(1, Number(e.target.value) || 1))}
              aria-label={t('mod.hours')}
              title={t('mod.hours')}
            />
          </div>
          <div className={styles.wrapRow}>
            {ACTIONS.filter((k) => k !== 'remove' || r.surface !== 'match').map((k) => (
              <button
                key={k}
                type="button"
                className={`btn btn-small ${k === 'ban' || k === 'remove' ? 'btn-danger' : ''}`}
                disabled={busy || (!r.reported && k !== 'remove')}
                onClick={() => run(k)}
                data-testid={`mod-act-${k}`}
              >
                {t(`mod.act.${k}`)}
              </button>
            ))}
            <button
              type="button"
              className="btn btn-small btn-ghost"
              disabled={busy}
              onClick={() => dismiss.mutate({ params: { id: r.id } })}
              data-testid="mod-dismiss"
            >
              {t('mod.dismiss')}
            </button>
          </div>
        </>
      )}
      {(act.error ?? dismiss.error) !== null && <ErrorMessage error={act.error ?? dismiss.error} />}
    </li>
  );
}

function Appeals() {
  const { t } = useI18n();
  const [status, setStatus] = useState<'open' | 'upheld' | 'overturned'>('open');
  const pages = useApiPages(api.moderation.appeals, { query: { status } });
  const items = pages.data?.pages.flatMap((p) => p.items) ?? null;
  return (
    <div className="stack">
      <div className={styles.filters}>
        <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)} aria-label={t('mod.filter.status')}>
          {(['open', 'upheld', 'overturned'] as const).map((s) => (
            <option key={s} value={s}>
              {t(`mod.appeal.status.${s}`)}
            </option>
          ))}
        </select>
      </div>
      {pages.error !== null && <ErrorMessage error={pages.error} onRetry={() => void pages.refetch()} />}
      {items === null && pages.error === null && <Loading />}
      {items?.length === 0 && (
        <Empty>
          <p>{t('mod.empty')}</p>
        </Empty>
      )}
      <ul className={styles.list}>
        {items?.map((a) => (
          <AppealCard key={a.id} appeal={a} />
        ))}
      </ul>
    </div>
  );
}

function AppealCard({ appeal: a }: { appeal: AppealItem }) {
  const { t, lang } = useI18n();
  const { me } = useSession();
  const decide = useApiMutation(api.moderation.decideAppeal, { invalidates: [api.moderation.appeals, api.moderation.audit] });
  const own = me?.id === a.action.by.id;
  return (
    <li className="panel stack-tight" data-testid="mod-appeal">
      <p className="small">
        {t('mod.appeal.by', { name: a.action.user.displayName, kind: t(`safety.kind.${a.action.kind}`), mod: a.action.by.displayName })} ·{' '}
        {timeAgo(a.createdAt, lang)}
      </p>
      <p className="small muted">{a.action.note}</p>
      {a.action.snapshot && <p className="small">{a.action.snapshot.text || a.action.snapshot.title}</p>}
      <p>“{a.text}”</p>
      {a.status === 'open' &&
        (own ? (
          <p className="small muted" data-testid="mod-appeal-own">
            {t('mod.appeal.own')}
          </p>
        ) : (
          <div className="actions-row">
            <button
              type="button"
              className="btn btn-small"
              disabled={decide.isPending}
              onClick={() => decide.mutate({ params: { id: a.id }, body: { decision: 'overturned', note: '' } })}
              data-testid="mod-appeal-overturn"
            >
              {t('mod.appeal.overturn')}
            </button>
            <button
              type="button"
              className="btn btn-small btn-ghost"
              disabled={decide.isPending}
              onClick={() => decide.mutate({ params: { id: a.id }, body: { decision: 'upheld', note: '' } })}
            >
              {t('mod.appeal.uphold')}
            </button>
          </div>
        ))}
      {decide.error !== null && <ErrorMessage error={decide.error} />}
    </li>
  );
}

function Audit() {
  const { lang } = useI18n();
  const pages = useApiPages(api.moderation.audit, { query: {} });
  const items = pages.data?.pages.flatMap((p) => p.items) ?? null;
  return (
    <div className="stack">
      {pages.error !== null && <ErrorMessage error={pages.error} onRetry={() => void pages.refetch()} />}
      {items === null && pages.error === null && <Loading />}
      <ul className={styles.list} data-testid="mod-audit">
        {items?.map((e) => (
          <li key={e.id} className="small" data-testid="mod-audit-entry">
            <strong>@{e.actor.handle}</strong> <span className="pill">{e.action}</span>
            {e.subject ? ` @${e.subject.handle}` : ''} · {timeAgo(e.createdAt, lang)}
            <div className="muted">{e.detail}</div>
          </li>
        ))}
      </ul>
      <LoadMore pages={pages} />
    </div>
  );
}
