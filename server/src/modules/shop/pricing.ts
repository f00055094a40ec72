import { AppError } from '../../platform/errors.ts';

/** The least an order can cost after discounts: a payment provider cannot charge nothing. */
export const MIN_CHARGE = 1;

export interface PriceLine {
  variantId: string;
  productId: string;
  unitPrice: number;
  quantity: number;
}

const assertWhole = (n: number, what: string) => {
  if (!Number.isSafeInteger(n)) throw new AppError('unprocessable', `${what} must be a whole number of minor units`);
};

/** unit × quantity in integer minor units; refuses anything that is not a safe integer. */
export function lineTotal(unitPrice: number, quantity: number): number {
  assertWhole(unitPrice, 'A price');
  if (!Number.isSafeInteger(quantity) || quantity < 1)
    throw new AppError('validation_failed', 'Quantity must be a whole number of at least 1');
  if (unitPrice < 0) throw new AppError('unprocessable', 'A price cannot be negative');
  const t = unitPrice * quantity;
  assertWhole(t, 'A line total');
  return t;
}

export function subtotal(lines: readonly PriceLine[]): number {
  let s = 0;
  for (const l of lines) s += lineTotal(l.unitPrice, l.quantity);
  assertWhole(s, 'A subtotal');
  return s;
}

/** Clamps a discount so the order never costs less than the minimum charge (and never goes negative). */
export function clampDiscount(sub: number, discount: number): number {
  if (sub <= MIN_CHARGE) return 0;
  return Math.max(0, Math.min(discount, sub - MIN_CHARGE));
}

export interface Totals {
  subtotal: number;
  discount: number;
  total: number;
}

export function totals(lines: readonly PriceLine[], discount: number): Totals {
  const sub = subtotal(lines);
  const d = clampDiscount(sub, discount);
  return { subtotal: sub, discount: d, total: sub - d };
}
