import { Link } from 'react-router-dom';
import type { RoomSummary } from '@tremolo/protocol';
import { useI18n } from '../../lib/i18n.tsx';
import { formatMoney } from '../../lib/money.ts';
import styles from './RoomSummaryView.module.css';
import shared from './shared.module.css';

/** What the host sees when the room ends: how long, how many came, what was said and sold. */
export function RoomSummaryView({ summary }: { summary: RoomSummary }) {
  const { t } = useI18n();
  return (
    <section className={`${shared.page} stack`} data-testid="room-summary">
      <header className="page-head">
        <h1>{t('rooms.summary.title')}</h1>
        <p className="muted">{summary.title}</p>
      </header>
      <SummaryGrid summary={summary} />
      <div className={shared.row}>
        <Link to="/rooms/new" className="btn btn-primary">
          {t('rooms.startAnother')}
        </Link>
        <Link to="/rooms" className="btn btn-ghost">
          {t('rooms.browse')}
        </Link>
      </div>
    </section>
  );
}

/** The summary's numbers, also under the replay for its host. */
export function SummaryGrid({ summary }: { summary: RoomSummary }) {
  const { t, lang } = useI18n();
  const minutes = Math.floor(summary.durationMs / 60_000);
  const seconds = Math.floor((summary.durationMs % 60_000) / 1000);
  const revenue = summary.revenue.length ? summary.revenue.map((m) => formatMoney(m.amount, m.currency, lang)).join(' + ') : '—';
  const rows: [string, string, string][] = [
    ['duration', t('rooms.summary.duration'), t('rooms.summary.minutes', { m: minutes, s: String(seconds).padStart(2, '0') })],
    ['peak', t('rooms.summary.peak'), String(summary.peakViewers)],
    ['total', t('rooms.summary.total'), String(summary.totalViewers)],
    ['messages', t('rooms.summary.messages'), String(summary.messages)],
    ['hearts', t('rooms.summary.hearts'), String(summary.hearts)],
    ['orders', t('rooms.summary.orders'), String(summary.orders)],
    ['revenue', t('rooms.summary.revenue'), revenue],
  ];
  return (
    <dl className={styles.summaryGrid}>
      {rows.map(([key, label, value]) => (
        <div key={key} className={styles.summaryCell} data-testid={`summary-${key}`}>
          <dt className="small muted">{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
