import { Link } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import type { RoomList } from '@tremolo/protocol';
import { Avatar } from '../../components/Avatar.tsx';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiQuery } from '../../lib/queries.ts';
import styles from './RoomsHome.module.css';
import shared from './shared.module.css';

type Item = RoomList['items'][number];

/** `/rooms`: rooms live now that I may enter, the ones I host, and the way to open one. */
export function RoomsHome() {
  const { t } = useI18n();
  // Rooms open and close all the time: the lists are read afresh on each visit.
  const liveList = useApiQuery(api.rooms.list, { query: { filter: 'live' } }, { refetchOnMount: 'always' });
  const mineList = useApiQuery(api.rooms.list, { query: { filter: 'mine' } }, { refetchOnMount: 'always' });
  const live = liveList.data?.items ?? null;
  const mine = mineList.data ? mineList.data.items.filter((r) => r.status !== 'ended') : null;
  const error = (liveList.data ? null : liveList.error) ?? (mineList.data ? null : mineList.error);
  const retry = () => {
    if (liveList.error) void liveList.refetch();
    if (mineList.error) void mineList.refetch();
  };

  return (
    <section className="stack" data-testid="rooms-home">
      <header className="page-head">
        <h1>{t('rooms.title')}</h1>
        <p className="muted">{t('rooms.lead')}</p>
      </header>
      <Link to="/rooms/new" className="btn btn-primary btn-block" data-testid="rooms-start">
        {t('rooms.start')}
      </Link>
      {error !== null && <ErrorMessage error={error} onRetry={retry} />}
      {mine && mine.length > 0 && <RoomRows title={t('rooms.mine')} items={mine} testId="rooms-mine" />}
      {live === null && error === null ? (
        <Loading />
      ) : (
        live && <RoomRows title={t('rooms.liveNow')} items={live} testId="rooms-live" empty={t('rooms.noneLive')} />
      )}
    </section>
  );
}

function RoomRows({ title, items, testId, empty }: { title: string; items: Item[]; testId: string; empty?: string }) {
  const { t, tn } = useI18n();
  return (
    <section className="stack-tight" data-testid={testId}>
      <h2 className="section-title">{title}</h2>
      {items.length === 0 && empty && <p className="muted small">{empty}</p>}
      <ul className={styles.list}>
        {items.map((r) => (
          <li key={r.id}>
            <Link to={r.link} className={styles.listItem} data-testid="room-list-item" data-room={r.id}>
              {r.coverUrl ? <img src={r.coverUrl} alt="" className={styles.listCover} /> : <Avatar user={r.host} size={48} />}
              <span className={styles.grow}>
                <strong>{r.title}</strong>
                <span className="small muted">
                  {' '}
                  {r.host.displayName} ·{' '}
                  {r.status === 'live'
                    ? tn('rooms.viewers', r.viewers)
                    : `${t('rooms.scheduled')} · ${tn('rooms.reservations', r.reservations)}`}
                </span>
              </span>
              {r.status === 'live' && <span className={`${shared.live} ${shared.on}`}>{t('rooms.live')}</span>}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
