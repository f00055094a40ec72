import { NavLink, Navigate, useParams } from 'react-router-dom';
import { UserList, type Direction } from '../../components/UserList.tsx';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';

const TABS: { dir: Direction; label: MessageKey }[] = [
  { dir: 'following', label: 'card.following' },
  { dir: 'followers', label: 'card.followers' },
  { dir: 'friends', label: 'card.friendsCount' },
];
const EMPTY: Record<Direction, MessageKey> = {
  following: 'list.emptyFollowing',
  followers: 'list.emptyFollowers',
  friends: 'list.emptyFriends',
};

function isDirection(s: string | undefined): s is Direction {
  return s === 'followers' || s === 'following' || s === 'friends';
}

/** Someone's followers / following / friends, as tabs under their handle. */
export function Connections() {
  const { t } = useI18n();
  const { handle = '', list } = useParams();
  if (!isDirection(list)) return <Navigate to={`/u/${handle}`} replace />;
  return (
    <section className="stack" data-testid="connections-page">
      <header className="page-head">
        <NavLink to={`/u/${handle}`} className="back">
          ‹ @{handle}
        </NavLink>
      </header>
      <nav className="segmented" aria-label={t('list.label')}>
        {TABS.map((tab) => (
          <NavLink
            key={tab.dir}
            to={`/u/${handle}/${tab.dir}`}
            className={({ isActive }) => (isActive ? 'active' : '')}
            data-testid={`connections-tab-${tab.dir}`}
            replace
          >
            {t(tab.label)}
          </NavLink>
        ))}
      </nav>
      <UserList key={`${handle}/${list}`} handle={handle} direction={list} empty={<p>{t(EMPTY[list])}</p>} />
    </section>
  );
}
