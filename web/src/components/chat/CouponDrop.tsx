import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Coupon, CouponClaim, EventFrame, page, type Coupon as CouponT } from '@tremolo/protocol';
import { ApiError, api, enc } from '../../lib/api.ts';
import { listOf } from '../../lib/chat.ts';
import { useErrorText } from '../../lib/errors.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { formatMoney } from '../../lib/money.ts';
import { ErrorMessage, Loading } from '../Status.tsx';

const ShopCoupons = listOf(Coupon);
const SellerCoupons = page(Coupon);

export interface CouponBook {
  /** The shop's live coupons with my claim state, by id; null until loaded. */
  byId: Map<string, CouponT> | null;
  reload: () => void;
  /** Asks for the list again when a drop names a coupon it does not hold yet (created after it loaded). */
  ensure: (couponId: string) => void;
  /** True once a load that started after `ensure(couponId)` has finished. */
  checked: (couponId: string) => boolean;
}

/** The group owner's live coupons, to show each drop as claimable, claimed or gone. */
export function useCouponBook(ownerHandle: string | null): CouponBook {
  const [byId, setById] = useState<Map<string, CouponT> | null>(null);
  const [tick, setTick] = useState(0);
  const asked = useRef(new Set<string>());
  const waiting = useRef(new Set<string>());
  const done = useRef(new Set<string>());
  useEffect(() => {
    if (!ownerHandle) return;
    let cancelled = false;
    const pending = waiting.current;
    const covering = [...pending];
    pending.clear();
    const finish = () => {
      for (const id of covering) done.current.add(id);
    };
    api
      .get(`/api/v1/shop/sellers/${enc(ownerHandle)}/coupons`, ShopCoupons)
      .then((r) => {
        if (cancelled) return;
        finish();
        setById(new Map(r.items.map((c) => [c.id, c])));
      })
      .catch(() => {
        if (cancelled) return;
        finish();
        setById((prev) => new Map(prev ?? []));
      });
    return () => {
      cancelled = true;
      for (const id of covering) pending.add(id);
    };
  }, [ownerHandle, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const ensure = useCallback((id: string) => {
    if (asked.current.has(id)) return;
    asked.current.add(id);
    waiting.current.add(id);
    setTick((n) => n + 1);
  }, []);
  const checked = useCallback((id: string) => done.current.has(id), []);
  return useMemo(() => ({ byId, reload, ensure, checked }), [byId, reload, ensure, checked]);
}

function useDiscount(): (c: CouponT) => string {
  const { t, lang } = useI18n();
  return (c) => (c.discount.kind === 'amount' ? t('coupon.off', { amount: formatMoney(c.discount.amountOff, c.currency, lang) }) : t('coupon.percentOff', { percent: c.discount.percentOff }));
}

type Outcome = 'claimed' | 'gone' | null;

/** A coupon dropped into the group: members claim it right here; "claimed" and "gone" are plain to see. */
export function CouponCard({ couponId, title, remaining, book, meId }: { couponId: string; title: string; remaining: number; book: CouponBook; meId: string }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const discount = useDiscount();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [error, setError] = useState<unknown>(null);
  const coupon = book.byId?.get(couponId);
  const mine = coupon?.seller.id === meId;
  const missing = book.byId !== null && !coupon;
  const { ensure } = book;
  useEffect(() => {
    if (missing) ensure(couponId);
  }, [missing, ensure, couponId]);

  const claim = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/v1/shop/coupons/${enc(couponId)}/claim`, CouponClaim);
      setOutcome('claimed');
    } catch (e) {
      if (e instanceof ApiError && e.code === 'limit_reached') setOutcome('claimed');
      else if (e instanceof ApiError && e.code === 'coupon_unavailable' && /all claimed/i.test(e.message)) setOutcome('gone');
      else setError(e);
    } finally {
      setBusy(false);
      book.reload();
    }
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
    <div className={`coupon-card coupon-${state}`} data-testid="coupon-card" data-state={state} data-coupon={couponId}>
      <div className="coupon-main">
        <span className="coupon-label">{t('coupon.label')}</span>
        <strong className="coupon-title">{title}</strong>
        {coupon && <span className="coupon-value">{discount(coupon)}</span>}
        <span className="small coupon-meta" data-testid="coupon-left">
          {state === 'owner' && coupon ? t('coupon.claimedOf', { claimed: coupon.claimed, total: coupon.totalQuantity }) : state === 'gone' || state === 'ended' ? '' : t('coupon.left', { count: left })}
        </span>
      </div>
      <div className="coupon-action">
        {state === 'available' && (
          <button type="button" className="btn btn-small coupon-claim" onClick={() => void claim()} disabled={busy} data-testid="coupon-claim">
            {busy ? t('coupon.claiming') : t('coupon.claim')}
          </button>
        )}
        {state === 'loading' && <span className="spinner" aria-hidden="true" />}
        {state === 'claimed' && (
          <span className="coupon-status" data-testid="coupon-status">
            {t('coupon.claimed')}
          </span>
        )}
        {state === 'gone' && (
          <span className="coupon-status" data-testid="coupon-status">
            {t('coupon.gone')}
          </span>
        )}
        {state === 'ended' && (
          <span className="coupon-status" data-testid="coupon-status">
            {t('coupon.ended')}
          </span>
        )}
        {state === 'owner' && (
          <span className="coupon-status" data-testid="coupon-status">
            {t('coupon.yours')}
          </span>
        )}
      </div>
      {error !== null && (
        <p className="coupon-error small" role="alert" data-testid="coupon-error">
          {errorText(error)}
        </p>
      )}
    </div>
  );
}

/** For admins: pick one of the owner's live coupons and drop it into the group. */
export function DropCouponSheet({ groupId, ownerHandle, isOwner, onClose, onDropped }: { groupId: string; ownerHandle: string; isOwner: boolean; onClose: () => void; onDropped: () => void }) {
  const { t } = useI18n();
  const discount = useDiscount();
  const [coupons, setCoupons] = useState<CouponT[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setError(null);
    // The owner sees every coupon of their shop; another admin sees the shop's public ones.
    const load = isOwner
      ? api.get('/api/v1/shop/seller/coupons?limit=50', SellerCoupons).then((p) => p.items)
      : api.get(`/api/v1/shop/sellers/${enc(ownerHandle)}/coupons`, ShopCoupons).then((p) => p.items);
    load
      .then((items) => !cancelled && setCoupons(items.filter((c) => c.status === 'active' && c.claimed < c.totalQuantity)))
      .catch((e: unknown) => !cancelled && setError(e));
    return () => {
      cancelled = true;
    };
  }, [isOwner, ownerHandle, attempt]);

  const drop = async (id: string) => {
    setBusy(id);
    setError(null);
    try {
      await api.post(`/api/v1/groups/${enc(groupId)}/coupon-drops`, EventFrame, { couponId: id });
      onDropped();
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="sheet" role="dialog" aria-label={t('coupon.dropTitle')} data-testid="coupon-sheet">
      <div className="sheet-head">
        <strong>{t('coupon.dropTitle')}</strong>
        <button type="button" className="btn btn-small btn-ghost" onClick={onClose}>
          {t('chat.close')}
        </button>
      </div>
      <p className="muted small">{t('coupon.dropHint')}</p>
      {coupons === null && error === null && <Loading />}
      {error !== null && <ErrorMessage error={error} onRetry={coupons === null ? () => setAttempt((n) => n + 1) : undefined} testId="coupon-drop-error" />}
      {coupons !== null && coupons.length === 0 && <p className="muted small">{t('coupon.none')}</p>}
      {coupons !== null && coupons.length > 0 && (
        <ul className="coupon-pick">
          {coupons.map((c) => (
            <li key={c.id} className="coupon-pick-item" data-testid="coupon-option" data-coupon={c.id}>
              <span className="coupon-pick-text">
                <strong>{c.title}</strong>
                <span className="muted small">
                  {discount(c)} · {t('coupon.left', { count: c.totalQuantity - c.claimed })}
                </span>
              </span>
              <button type="button" className="btn btn-small btn-primary" onClick={() => void drop(c.id)} disabled={busy !== null} data-testid="coupon-drop-it">
                {busy === c.id ? t('coupon.dropping') : t('coupon.dropIt')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
