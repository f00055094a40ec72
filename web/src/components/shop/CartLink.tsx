import { Link } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiQuery } from '../../lib/queries.ts';
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

/** The cart in the top bar, for people who are logged in, with how many pieces are in it. */
export function CartLink() {
  const { me } = useSession();
  if (!me) return null;
  return <CartLinkFor />;
}

function CartLinkFor() {
  const { t } = useI18n();
  // The same cache entry as the cart page: adding, removing and checking out refresh it.
  const cart = useApiQuery(api.shop.cart, undefined);
  const count = cart.data?.carts.reduce((n, c) => n + c.lines.reduce((m, l) => m + l.quantity, 0), 0) ?? 0;
  const label = count > 0 ? t('shop.cartCount', { count }) : t('shop.cart');
  return (
    <Link to="/shop/cart" className={styles['topbar-cart']} aria-label={label} title={label} data-testid="topbar-cart">
      <CartIcon />
      {count > 0 && (
        <span className={styles['cart-badge']} data-testid="topbar-cart-count" aria-hidden="true">
          {count > 99 ? '99+' : count}
        </span>
      )}
    </Link>
  );
}
