import { useState } from 'react';
import { Avatar } from '../../components/Avatar.tsx';
import { LanguageSwitch } from '../../components/LanguageSwitch.tsx';
import { MenuLink } from '../../components/MenuLink.tsx';
import { ErrorMessage } from '../../components/Status.tsx';
import { MeShopLinks } from '../../components/shop/MeShopLinks.tsx';
import { type MessageKey, useI18n } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import styles from './Me.module.css';

/** The Me page's rows after the card, videos and shop: where each goes and what it says. */
const MENU: { to: string; label: MessageKey; testId: string }[] = [
  { to: '/rooms', label: 'rooms.title', testId: 'me-rooms' },
  { to: '/match', label: 'match.title', testId: 'me-match' },
  { to: '/shake', label: 'shake.title', testId: 'me-shake' },
  { to: '/me/edit', label: 'me.editProfile', testId: 'me-edit' },
  { to: '/me/notifications', label: 'push.settings', testId: 'me-notifications' },
  { to: '/me/safety', label: 'safety.link', testId: 'me-safety' },
  { to: '/me/password', label: 'me.changePassword', testId: 'me-password' },
  { to: '/me/settings/privacy', label: 'rights.privacy', testId: 'me-privacy' },
  { to: '/me/settings/data', label: 'rights.data', testId: 'me-data' },
  { to: '/me/settings/delete', label: 'rights.delete', testId: 'me-delete' },
];

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
        <MenuLink to={`/u/${me.handle}`} label={t('me.myCard')} testId="me-card" />
        <MenuLink to="/me/videos" label={t('myVideos.title')} testId="me-videos" />
        <MeShopLinks />
        {MENU.map((m) => (
          <MenuLink key={m.to} to={m.to} label={t(m.label)} testId={m.testId} />
        ))}
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
