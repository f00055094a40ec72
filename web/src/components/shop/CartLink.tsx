import { Link } from 'react-router-dom';
import { useI18n } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import styles from './shop.module.css';

const CartIcon = () => (
  <svg
    width={22}
    height={22}
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    strokeWidth={2}
    strokeLinecap="round"
    strokeLinejoin="round"
    aria-hidden="true"
  >
    <path d="M3 4h2l2.4 11.2a1 1 0 0 0 1 .8h9.4a1 1 0 0 0 1-.8L21 8H6.2" />
    <circle cx="9.5" cy="20" r="1.3" />
    <circle cx="17.5" cy="20" r="1.3" />
  </svg>
);

/** The cart in the top bar, for people who are logged in. */
export function CartLink() {
  const { t } = useI18n();
  const { me } = useSession();
  if (!me) return null;
  return (
    <Link to="/shop/cart" className={styles['topbar-cart']} aria-label={t('shop.cart')} title={t('shop.cart')} data-testid="topbar-cart">
      <CartIcon />
    </Link>
  );
}
