import { NavLink } from 'react-router-dom';
import { useI18n } from '../lib/i18n.tsx';
import { useBadges } from '../lib/inbox.tsx';
import { FriendsIcon, HomeIcon, MeIcon, MessageIcon, PlusIcon } from './Icons.tsx';

const linkClass = ({ isActive }: { isActive: boolean }) => `tab${isActive ? ' tab-active' : ''}`;

export function TabBar() {
  const { t } = useI18n();
  // Unread notifications and unread DMs, each counted once.
  const unread = useBadges().total;
  return (
    <nav className="tabbar" aria-label={t('nav.label')} data-testid="tabbar">
      <NavLink to="/" end className={linkClass} data-testid="tab-foryou">
        <HomeIcon />
        <span>{t('nav.forYou')}</span>
      </NavLink>
      <NavLink to="/friends" className={linkClass} data-testid="tab-friends">
        <FriendsIcon />
        <span>{t('nav.friends')}</span>
      </NavLink>
      <NavLink
        to="/create"
        className={({ isActive }) => `tab tab-create${isActive ? ' tab-active' : ''}`}
        data-testid="tab-create"
        aria-label={t('nav.create')}
      >
        <span className="create-btn">
          <PlusIcon />
        </span>
      </NavLink>
      <NavLink to="/inbox" className={linkClass} data-testid="tab-inbox">
        <span className="tab-icon">
          <MessageIcon />
          {unread > 0 && (
            <span className="badge" data-testid="tab-inbox-badge" aria-label={t('inbox.unreadBadge', { count: unread })}>
              {unread > 99 ? '99+' : unread}
            </span>
          )}
        </span>
        <span>{t('nav.messages')}</span>
      </NavLink>
      <NavLink to="/me" className={linkClass} data-testid="tab-me">
        <MeIcon />
        <span>{t('nav.me')}</span>
      </NavLink>
    </nav>
  );
}
