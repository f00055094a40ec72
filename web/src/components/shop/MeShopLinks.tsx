import { Link } from 'react-router-dom';
import { ChevronIcon } from '../Icons.tsx';
import { useI18n } from '../../lib/i18n.tsx';

/** The shop's entries on the Me page: seller tools, then what a buyer looks for. */
export function MeShopLinks() {
  const { t } = useI18n();
  return (
    <>
      <Link to="/shop/seller" className="menu-item" data-testid="me-shop">
        <span>{t('shop.meSeller')}</span>
        <ChevronIcon />
      </Link>
      <Link to="/shop/orders" className="menu-item" data-testid="me-orders">
        <span>{t('shop.meBuyer')}</span>
        <ChevronIcon />
      </Link>
    </>
  );
}
