import { Link } from 'react-router-dom';
import { useI18n } from '../lib/i18n.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { CartLink } from './shop/CartLink.tsx';
import styles from './shop/shop.module.css';

export function TopBar() {
  const { t } = useI18n();
  return (
    <header className="topbar">
      <Link to="/" className="brand" data-testid="brand">
        <span className="brand-mark" aria-hidden="true">
          ♪
        </span>
        {t('app.name')}
      </Link>
      <div className={styles['topbar-end']}>
        <CartLink />
        <LanguageSwitch />
      </div>
    </header>
  );
}
