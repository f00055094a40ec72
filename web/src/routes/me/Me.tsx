import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Avatar } from '../../components/Avatar.tsx';
import { ChevronIcon } from '../../components/Icons.tsx';
import { LanguageSwitch } from '../../components/LanguageSwitch.tsx';
import { ErrorMessage } from '../../components/Status.tsx';
import { MeShopLinks } from '../../components/shop/MeShopLinks.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import styles from './Me.module.css';

export function Me() {
  const { t } = useI18n();
  const { me, logout } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!me) return null;

  const doLogout = async () => {
    setBusy(true);
    setError(null);
    try {
      await logout();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <section className="stack" data-testid="me-page">
      <div className={styles['me-head']}>
        <Avatar user={me} size={84} testId="me-avatar" />
        <div className={styles['me-names']}>
          <h1 data-testid="me-name">{me.displayName}</h1>
          <p className="muted">@{me.handle}</p>
        </div>
      </div>
      {me.bio ? (
        <p className="bio" data-testid="me-bio">
          {me.bio}
        </p>
      ) : (
        <p className="muted">{t('me.noBio')}</p>
      )}
      <nav className="menu">
        <Link to={`/u/${me.handle}`} className="menu-item" data-testid="me-card">
          <span>{t('me.myCard')}</span>
          <ChevronIcon />
        </Link>
        <Link to="/me/videos" className="menu-item" data-testid="me-videos">
          <span>{t('myVideos.title')}</span>
          <ChevronIcon />
        </Link>
        <MeShopLinks />
        <Link to="/rooms" className="menu-item" data-testid="me-rooms">
          <span>{t('rooms.title')}</span>
          <ChevronIcon />
        </Link>
        <Link to="/match" className="menu-item" data-testid="me-match">
          <span>{t('match.title')}</span>
          <ChevronIcon />
        </Link>
        <Link to="/shake" className="menu-item" data-testid="me-shake">
          <span>{t('shake.title')}</span>
          <ChevronIcon />
        </Link>
        <Link to="/me/edit" className="menu-item" data-testid="me-edit">
          <span>{t('me.editProfile')}</span>
          <ChevronIcon />
        </Link>
        <Link to="/me/notifications" className="menu-item" data-testid="me-notifications">
          <span>{t('push.settings')}</span>
          <ChevronIcon />
        </Link>
        <Link to="/me/safety" className="menu-item" data-testid="me-safety">
          <span>{t('safety.link')}</span>
          <ChevronIcon />
        </Link>
        <Link to="/me/password" className="menu-item" data-testid="me-password">
          <span>{t('me.changePassword')}</span>
          <ChevronIcon />
        </Link>
        <Link to="/me/settings/privacy" className="menu-item" data-testid="me-privacy">
          <span>{t('rights.privacy')}</span>
          <ChevronIcon />
        </Link>
        <Link to="/me/settings/data" className="menu-item" data-testid="me-data">
          <span>{t('rights.data')}</span>
          <ChevronIcon />
        </Link>
        <Link to="/me/settings/delete" className="menu-item" data-testid="me-delete">
          <span>{t('rights.delete')}</span>
          <ChevronIcon />
        </Link>
        <div className="menu-item">
          <span>{t('settings.language')}</span>
          <LanguageSwitch />
        </div>
      </nav>
      {error !== null && <ErrorMessage error={error} />}
      <button type="button" className="btn btn-ghost btn-block" onClick={() => void doLogout()} disabled={busy} data-testid="logout">
        {busy ? t('me.loggingOut') : t('me.logout')}
      </button>
    </section>
  );
}
