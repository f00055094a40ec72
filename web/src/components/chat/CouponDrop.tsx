import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api as endpoints, type Coupon as CouponT } from '@tremolo/protocol';
import { call } from '../../lib/client.ts';
import { useErrorText } from '../../lib/errors.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { formatMoney } from '../../lib/money.ts';
import { useApiMutation, useApiQuery } from '../../lib/queries.ts';
import { settledError, useShopCoupons } from '../shop/util.ts';
import { ErrorMessage, Loading } from '../Status.tsx';
import styles from './chat.module.css';
import { cx } from '../../lib/cx.ts';

export interface CouponBook {
  /** The shop's live coupons with my claim state, by id; null until loaded. */
  byId: Map<string, CouponT> | null;
  reload: () => void;
  /** Asks for the list again when a drop names a coupon it does not hold yet (created after it loaded). */
  ensure: (couponId: string) => void;
  /** True once a load that started after `ensure(couponId)` has finished. */
  checked: (couponId: string) => boolean;
}

const OWNER_REFRESH_MS = 5000;

/** The group owner's live coupons, to show each drop as claimable, claimed or gone. */
export function useCouponBook(ownerHandle: string | null, isOwner = false): CouponBook {
  // Claims by fans reach nobody's screen by themselves: the owner, who watches the counts, asks again
  // every few seconds (and on coming back to the tab) while the group is open.
  const coupons = useShopCoupons(ownerHandle, isOwner ? { refetchInterval: OWNER_REFRESH_MS } : {});
  const askedAt = useRef(new Map<string, number>());
  const { refetch, data, isError, dataUpdatedAt, errorUpdatedAt } = coupons;
  const reload = useCallback(() => {
    if (ownerHandle) void refetch();
  }, [ownerHandle, refetch]);
  // A refetch cancels the one in flight, so whatever settles after the ask was started after it.
  const ensure = useCallback(
    (id: string) => {
      if (askedAt.current.has(id)) return;
      askedAt.current.set(id, Date.now());
      reload();
    },
    [reload],
  );
  const settledAt = Math.max(dataUpdatedAt, errorUpdatedAt);
  const checked = useCallback(
    (id: string) => {
      const at = askedAt.current.get(id);
      return at !== undefined && settledAt >= at;
    },
    [settledAt],
  );
  // A failed load still settles the book (as empty), so drops do not spin forever.
  const byId = useMemo(
    () => (data ? new Map(data.items.map((c) => [c.id, c])) : isError ? new Map<string, CouponT>() : null),
    [data, isError],
  );
  return useMemo(() => ({ byId, reload, ensure, checked }), [byId, reload, ensure, checked]);
}

function useDiscount(): (c: CouponT) => string {
  const { t, lang } = useI18n();
  return (c) =>
    c.discount.kind === 'amount'
      ? t('coupon.off', { amount: formatMoney(c.discount.amountOff, c.currency, lang) })
      : t('coupon.percentOff', { percent: c.discount.percentOff });
}

type Outcome = 'claimed' | 'gone' | null;

/** A coupon dropped into the group: members claim it right here; "claimed" and "gone" are plain to see. */
export function CouponCard({
  couponId,
  title,
  remaining,
  book,
  meId,
}: {
  couponId: string;
  title: string;
  remaining: number;
  book: CouponBook;
  meId: string;
}) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const discount = useDiscount();
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [error, setError] = useState<unknown>(null);
  const claiming = useApiMutation(endpoints.shop.claimCoupon, { invalidates: [endpoints.shop.shopCoupons, endpoints.shop.myCoupons] });
  const busy = claiming.isPending;
  const coupon = book.byId?.get(couponId);
  const mine = coupon?.seller.id === meId;
  const missing = book.byId !== null && !coupon;
  const { ensure } = book;
  useEffect(() => {
    if (missing) ensure(couponId);
  }, [missing, ensure, couponId]);

  const claim = () => {
    setError(null);
    claiming.mutate(
      { params: { id: couponId } },
      {
        onSuccess: () => setOutcome('claimed'),
        onError: (e) => {
          if (e.code === 'limit_reached') setOutcome('claimed');
          else if (e.code === 'coupon_unavailable' && /all claimed/i.test(e.message)) setOutcome('gone');
          else setError(e);
          // A success refreshes the book by invalidation; a refusal means it is out of date too.
          book.reload();
        },
      },
    );
  };

  let state: 'claimed' | 'gone' | 'ended' | 'owner' | 'available' | 'loading';
  if (mine) state = 'owner';
  else if (outcome === 'claimed' || (coupon?.viewer && coupon.viewer.claimed > 0)) state = 'claimed';
  else if (outcome === 'gone' || (coupon && coupon.claimed >= coupon.totalQuantity)) state = 'gone';
  else if (book.byId && !coupon) state = book.checked(couponId) ? 'ended' : 'loading';
  else if (coupon && coupon.status !== 'active') state = 'ended';
  else if (!book.byId) state = 'loading';
  else state = 'available';

  const left = coupon ? Math.max(0, coupon.totalQuantity - coupon.claimed) : remaining;
  return (
    <div
      className={cx(styles['coupon-card'], styles[`coupon-${state}`])}
      data-testid="coupon-card"
      data-state={state}
      data-coupon={couponId}
    >
      <div className={styles['coupon-main']}>
        <span className={styles['coupon-label']}>{t('coupon.label')}</span>
        <strong className={styles['coupon-title']}>{title}</strong>
        {coupon && <span className={styles['coupon-value']}>{discount(coupon)}</span>}
        <span className={cx('small', styles['coupon-meta'])} data-testid="coupon-left">
          {state === 'owner' && coupon
            ? t('coupon.claimedOf', { claimed: coupon.claimed, total: coupon.totalQuantity })
            : state === 'gone' || state === 'ended'
              ? ''
              : t('coupon.left', { count: left })}
        </span>
      </div>
      <div className="coupon-action">
        {state === 'available' && (
          <button
            type="button"
            className={cx('btn', 'btn-small', styles['coupon-claim'])}
            onClick={claim}
            disabled={busy}
            data-testid="coupon-claim"
          >
            {busy ? t('coupon.claiming') : t('coupon.claim')}
          </button>
        )}
        {state === 'loading' && <span className="spinner" aria-hidden="true" />}
        {state === 'claimed' && (
          <span className={styles['coupon-status']} data-testid="coupon-status">
            {t('coupon.claimed')}
          </span>
        )}
        {state === 'gone' && (
          <span className={styles['coupon-status']} data-testid="coupon-status">
            {t('coupon.gone')}
          </span>
        )}
        {state === 'ended' && (
          <span className={styles['coupon-status']} data-testid="coupon-status">
            {t('coupon.ended')}
          </span>
        )}
        {state === 'owner' && (
          <span className={styles['coupon-status']} data-testid="coupon-status">
            {t('coupon.yours')}
          </span>
        )}
      </div>
      {error !== null && (
        <p className={cx(styles['coupon-error'], 'small')} role="alert" data-testid="coupon-error">
          {errorText(error)}
        </p>
      )}
    </div>
  );
}

/** For admins: pick one of the owner's live coupons and drop it into the group. */
export function DropCouponSheet({
  groupId,
  ownerHandle,
  isOwner,
  onClose,
  onDropped,
}: {
  groupId: string;
  ownerHandle: string;
  isOwner: boolean;
  onClose: () => void;
  onDropped: () => void;
}) {
  const { t } = useI18n();
  const discount = useDiscount();
  const [dropError, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  // The owner sees every coupon of their shop; another admin sees the shop's public ones.
  const own = useApiQuery(endpoints.shop.sellerCoupons, { query: { limit: 50 } }, { enabled: isOwner, staleTime: 0 });
  const shops = useShopCoupons(isOwner ? null : ownerHandle);
  const source = isOwner ? own : shops;
  const coupons = useMemo(
    () => source.data?.items.filter((c) => c.status === 'active' && c.claimed < c.totalQuantity) ?? null,
    [source.data],
  );
  const error = dropError ?? settledError(source);

  const drop = async (id: string) => {
    setBusy(id);
    setError(null);
    try {
      await call(endpoints.groups.dropCoupon, { params: { id: groupId }, body: { couponId: id } });
      onDropped();
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className={styles.sheet} role="dialog" aria-label={t('coupon.dropTitle')} data-testid="coupon-sheet">
      <div className={styles['sheet-head']}>
        <strong>{t('coupon.dropTitle')}</strong>
        <button type="button" className="btn btn-small btn-ghost" onClick={onClose}>
          {t('chat.close')}
        </button>
      </div>
      <p className="muted small">{t('coupon.dropHint')}</p>
      {coupons === null && error === null && <Loading />}
      {error !== null && (
        <ErrorMessage error={error} onRetry={coupons === null ? () => void source.refetch() : undefined} testId="coupon-drop-error" />
      )}
      {coupons !== null && coupons.length === 0 && <p className="muted small">{t('coupon.none')}</p>}
      {coupons !== null && coupons.length > 0 && (
        <ul className={styles['coupon-pick']}>
          {coupons.map((c) => (
            <li key={c.id} className={styles['coupon-pick-item']} data-testid="coupon-option" data-coupon={c.id}>
              <span className={styles['coupon-pick-text']}>
                <strong>{c.title}</strong>
                <span className="muted small">
                  {discount(c)} · {t('coupon.left', { count: c.totalQuantity - c.claimed })}
                </span>
              </span>
              <button
                type="button"
                className="btn btn-small btn-primary"
                onClick={() => void drop(c.id)}
                disabled={busy !== null}
                data-testid="coupon-drop-it"
              >
                {busy === c.id ? t('coupon.dropping') : t('coupon.dropIt')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
