import { Link, useLocation } from 'react-router-dom';
import { useI18n } from '../lib/i18n.tsx';
import { useSession } from '../lib/session.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { CartLink } from './shop/CartLink.tsx';
import styles from './shop/shop.module.css';

export function TopBar() {
  const { t } = useI18n();
  const { state } = useSession();
  const location = useLocation();
  // A visitor comes back to the page they were on, not to the top of the feed.
  const here = location.pathname === '/login' || location.pathname === '/signup' ? null : location.pathname + location.search;
  const next = here && here !== '/' ? `?next=${encodeURIComponent(here)}` : '';
  return (
    <header className="topbar">
      <Link to="/" className="brand" data-testid="brand">
        <span className="brand-mark" aria-hidden="true">
          ♪
        </span>
        {t('app.name')}
      </Link>
      <div className={styles['topbar-end']}>
        {state.status === 'anonymous' && location.pathname !== '/signup' && (
          <Link to={`/signup${next}`} className={`btn btn-small btn-primary ${styles['visitor-btn']}`} data-testid="visitor-signup">
            {t('visitor.signup')}
          </Link>
        )}
        {state.status === 'anonymous' && location.pathname !== '/login' && (
          <Link to={`/login${next}`} className={`btn btn-small btn-ghost ${styles['visitor-btn']}`} data-testid="visitor-login">
            {t('visitor.login')}
          </Link>
        )}
        <CartLink />
        <LanguageSwitch />
      </div>
    </header>
  );
}
