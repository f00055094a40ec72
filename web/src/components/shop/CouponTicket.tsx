import { useState, type ReactNode } from 'react';
import * as api from '@tremolo/protocol/api';
import type { Coupon } from '@tremolo/protocol';
import { useErrorText } from '../../lib/errors.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiMutation } from '../../lib/queries.ts';
import { formatMoney } from '../../lib/money.ts';
import { useSession } from '../../lib/session.tsx';
import styles from './shop.module.css';

function useCouponWords() {
  const { t, lang } = useI18n();
  return {
    off: (c: Pick<Coupon, 'discount' | 'currency'>) =>
      c.discount.kind === 'amount'
        ? t('shop.couponAmountOff', { amount: formatMoney(c.discount.amountOff, c.currency, lang) })
        : t('shop.couponPercentOff', { percent: c.discount.percentOff }),
    min: (c: Pick<Coupon, 'minSpend' | 'currency'>) =>
      c.minSpend > 0 ? t('shop.couponMinSpend', { amount: formatMoney(c.minSpend, c.currency, lang) }) : t('shop.couponNoMin'),
    until: (iso: string) =>
      t('shop.couponUntil', { date: new Date(iso).toLocaleString(lang, { dateStyle: 'medium', timeStyle: 'short' }) }),
  };
}

/** A coupon as a ticket; with `claimable`, a Claim button that respects the per-person limit. */
export function CouponTicket({
  coupon,
  claimable,
  onClaimed,
  children,
}: {
  coupon: Coupon;
  claimable?: boolean;
  onClaimed?: (c: Coupon) => void;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const { me } = useSession();
  const words = useCouponWords();
  const errorText = useErrorText();
  const [claimed, setClaimed] = useState(false);
  const claiming = useApiMutation(api.shop.claimCoupon, {
    invalidates: [api.shop.shopCoupons, api.shop.myCoupons],
    onSuccess: (c) => {
      setClaimed(true);
      onClaimed?.(c.coupon);
    },
  });
  const busy = claiming.isPending;
  const error = claiming.error;

  const canClaim = coupon.viewer ? coupon.viewer.canClaim : true;
  return (
    <div className={styles.ticket} data-testid="coupon" data-coupon-id={coupon.id}>
      <div className={styles['ticket-value']}>
        <strong>{words.off(coupon)}</strong>
        <span className="small">{words.min(coupon)}</span>
      </div>
      <div className={styles['ticket-body']}>
        <span className={styles['ticket-title']}>{coupon.title}</span>
        <span className="small muted">{words.until(coupon.endsAt)}</span>
        {coupon.scope.kind === 'product' && <span className="small muted">{t('shop.couponProductOnly')}</span>}
        {error !== null && (
          <span className="small field-problem" role="alert">
            {errorText(error)}
          </span>
        )}
        {children}
      </div>
      {claimable && me && (
        <button
          type="button"
          className="btn btn-small btn-primary"
          disabled={busy || claimed || !canClaim}
          onClick={() => claiming.mutate({ params: { id: coupon.id } })}
          data-testid="coupon-claim"
        >
          {claimed
            ? t('shop.couponClaimed')
            : !canClaim && (coupon.viewer?.claimed ?? 0) > 0
              ? t('shop.couponClaimed')
              : t('shop.couponClaim')}
        </button>
      )}
    </div>
  );
}
