import { NavLink } from 'react-router-dom';
import type { OrderStatus } from '@tremolo/protocol';
import { useI18n } from '../../lib/i18n.tsx';
import styles from '../../components/shop/shop.module.css';
import { cx } from '../../lib/cx.ts';

export function StatusPill({ status, testId = 'order-status' }: { status: OrderStatus; testId?: string }) {
  const { t } = useI18n();
  return (
    <span className={cx('pill', styles.status, styles[`status-${status}`])} data-testid={testId} data-status={status}>
      {t(`orderStatus.${status}`)}
    </span>
  );
}

/** Buyer screens: orders, cart, coupons. */
export function BuyerNav() {
  const { t } = useI18n();
  const cls = ({ isActive }: { isActive: boolean }) => (isActive ? 'active' : '');
  return (
    <nav className={styles['shop-nav']} aria-label={t('shop.meBuyer')}>
      <NavLink to="/shop/orders" end className={cls} data-testid="nav-orders">
        {t('shop.orders')}
      </NavLink>
      <NavLink to="/shop/cart" className={cls} data-testid="nav-cart">
        {t('shop.cart')}
      </NavLink>
      <NavLink to="/shop/coupons" className={cls} data-testid="nav-coupons">
        {t('shop.myCoupons')}
      </NavLink>
    </nav>
  );
}

/** Seller tools. */
export function SellerNav() {
  const { t } = useI18n();
  const cls = ({ isActive }: { isActive: boolean }) => (isActive ? 'active' : '');
  return (
    <nav className={cx(styles['shop-nav'], 'shop-nav-scroll')} aria-label={t('shop.meSeller')}>
      <NavLink to="/shop/seller" end className={cls} data-testid="nav-seller-home">
        {t('shop.sellerHome')}
      </NavLink>
      <NavLink to="/shop/seller/products" className={cls} data-testid="nav-products">
        {t('shop.products')}
      </NavLink>
      <NavLink to="/shop/seller/orders" className={cls} data-testid="nav-seller-orders">
        {t('shop.orders')}
      </NavLink>
      <NavLink to="/shop/seller/coupons" className={cls} data-testid="nav-seller-coupons">
        {t('shop.coupons')}
      </NavLink>
      <NavLink to="/shop/seller/flash-sales" className={cls} data-testid="nav-flash-sales">
        {t('shop.flashSales')}
      </NavLink>
      <NavLink to="/shop/seller/insights" className={cls} data-testid="nav-insights">
        {t('shop.insights')}
      </NavLink>
    </nav>
  );
}

export function optionsText(options: Record<string, string>): string {
  return Object.entries(options)
    .map(([k, v]) => `${k}: ${v}`)
    .join(' · ');
}
