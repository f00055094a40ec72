import type { CouponDiscount, CouponScope } from '@tremolo/protocol';
import { clampDiscount, lineTotal, type PriceLine } from './pricing.ts';

/** The parts of a coupon that decide whether it applies to a basket and how much it takes off. */
export interface CouponRule {
  currency: string;
  discount: CouponDiscount;
  minSpend: number;
  startsAt: Date;
  endsAt: Date;
  stoppedAt: Date | null;
  scope: CouponScope;
}

export interface CouponEvaluation {
  applicable: boolean;
  discount: number;
  /** Why it does not apply, in words a buyer understands. */
  reason: string | null;
}

const no = (reason: string): CouponEvaluation => ({ applicable: false, discount: 0, reason });

/** Whether the coupon can be used at `now` at all, before looking at a basket. */
export function couponWindowProblem(rule: Pick<CouponRule, 'startsAt' | 'endsAt' | 'stoppedAt'>, now: Date): string | null {
  if (rule.stoppedAt && rule.stoppedAt <= now) return 'The seller stopped this coupon';
  if (now < rule.startsAt) return 'Not valid yet';
  if (now >= rule.endsAt) return 'Expired';
  return null;
}

/**
 * What the coupon takes off this basket. Amount-off takes at most the eligible subtotal;
 * percent-off rounds down (never in the seller's disfavour by more than a minor unit, never
 * a fraction); either way the order keeps at least the minimum charge.
 */
export function evaluateCoupon(rule: CouponRule, lines: readonly PriceLine[], currency: string, now: Date): CouponEvaluation {
  if (rule.currency !== currency) return no('For another currency');
  const window = couponWindowProblem(rule, now);
  if (window) return no(window);
  const scope = rule.scope;
  const scoped = scope.kind === 'product' ? lines.filter((l) => l.productId === scope.productId) : lines;
  if (scoped.length === 0) return no('For another product');
  const eligible = scoped.reduce((s, l) => s + lineTotal(l.unitPrice, l.quantity), 0);
  if (eligible < rule.minSpend) return no(`Spend ${rule.minSpend - eligible} more (minor units) to use it`);
  const raw =
    rule.discount.kind === 'amount' ? Math.min(rule.discount.amountOff, eligible) : Math.floor((eligible * rule.discount.percentOff) / 100);
  const all = lines.reduce((s, l) => s + lineTotal(l.unitPrice, l.quantity), 0);
  const discount = clampDiscount(all, raw);
  if (discount <= 0) return no('Takes nothing off this order');
  return { applicable: true, discount, reason: null };
}

export interface CouponCandidate {
  claimId: string;
  endsAt: Date;
  evaluation: CouponEvaluation;
}

/** The best applicable coupon: the largest discount; on a tie the one that expires first, so none is wasted. */
export function pickBest<T extends CouponCandidate>(candidates: readonly T[]): T | null {
  let best: T | null = null;
  for (const c of candidates) {
    if (!c.evaluation.applicable) continue;
    if (
      !best ||
      c.evaluation.discount > best.evaluation.discount ||
      (c.evaluation.discount === best.evaluation.discount &&
        (c.endsAt < best.endsAt || (c.endsAt.getTime() === best.endsAt.getTime() && c.claimId < best.claimId)))
    ) {
      best = c;
    }
  }
  return best;
}
