import { MenuLink } from '../MenuLink.tsx';
import { useI18n } from '../../lib/i18n.tsx';

/** The shop's entries on the Me page: seller tools, then what a buyer looks for. */
export function MeShopLinks() {
  const { t } = useI18n();
  return (
    <>
      <MenuLink to="/shop/seller" label={t('shop.meSeller')} testId="me-shop" />
      <MenuLink to="/shop/orders" label={t('shop.meBuyer')} testId="me-orders" />
    </>
  );
}
