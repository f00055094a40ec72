import { Link, useSearchParams } from 'react-router-dom';
import { UserList } from '../../components/UserList.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { FriendsFeed } from '../videos/FriendsFeed.tsx';
import styles from '../../components/video/video.module.css';
import { cx } from '../../lib/cx.ts';

/** The Friends tab: friends' videos (朋友), with the friends list one tap away. */
export function Friends() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const list = params.get('view') === 'list';
  const tabs = (
    <nav className={styles.vtabs} data-testid="friends-tabs">
      <Link to="/friends" replace className={list ? '' : 'active'} data-testid="friends-view-videos">
        {t('friendsFeed.videos')}
      </Link>
      <Link to="/friends?view=list" replace className={list ? 'active' : ''} data-testid="friends-view-list">
        {t('friendsFeed.list')}
      </Link>
      <Link to="/rooms" data-testid="friends-view-rooms">
        {t('rooms.tab')}
      </Link>
    </nav>
  );
  if (list) {
    return (
      <div className="stack">
        <div className={cx(styles.voverlay, styles['voverlay-flat'], styles['voverlay-static'])}>{tabs}</div>
        <FriendsList />
      </div>
    );
  }
  // With no friend videos yet, the friends themselves are shown under the empty feed.
  return (
    <div className={styles['vscreen-host']} data-testid="friends-page">
      <FriendsFeed tabs={tabs} fallback={<FriendsList embedded />} />
    </div>
  );
}

/** My friends: people I follow who follow me back. Read again when someone becomes a friend (the inbox provider sees it). */
function FriendsList({ embedded = false }: { embedded?: boolean }) {
  const { t } = useI18n();
  const { me } = useSession();

  if (!me) return null;
  return (
    <section className="stack" data-testid={embedded ? 'friends-list' : 'friends-page'}>
      <header className="page-head">
        <h1>{t('friends.title')}</h1>
        <p className="muted">{t('friends.lead')}</p>
        <div className="actions-row">
          <Link to="/match" className="btn btn-small btn-ghost" data-testid="friends-to-match">
            {t('match.title')}
          </Link>
          <Link to="/shake" className="btn btn-small btn-ghost" data-testid="friends-to-shake">
            {t('shake.title')}
          </Link>
        </div>
      </header>
      <UserList
        handle={me.handle}
        direction="friends"
        action={(u) => (
          <Link to={`/dm/${u.handle}?watch=1`} className="btn btn-small btn-ghost" data-testid="friend-watch-together">
            ▶ {t('watch.title')}
          </Link>
        )}
        empty={
          <>
            <p>{t('friends.empty')}</p>
            <Link to="/" className="btn btn-primary">
              {t('friends.findPeople')}
            </Link>
          </>
        }
      />
    </section>
  );
}
