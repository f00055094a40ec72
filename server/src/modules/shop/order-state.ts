import type { OrderStatus, PaymentStatus } from '@tremolo/protocol';

/**
 * The order state machine. Each transition names its compensating effects; the service applies
 * them in the same transaction as the status change (stock, coupon, flash-sale hold) or, for the
 * payment provider, records the intent so the reconciler converges even after a crash.
 *
 *   pending_payment ──pay──▶ paid ──ship──▶ shipped ──confirm_receipt (buyer)──▶ delivered
 *        │ expire/cancel        │ cancel       │   └──deliver (system, N days after shipping)──┘ │
 *        ▼                      ▼              └──request_refund──┐          request_refund ─────┘
 *    cancelled             cancelled (money back)                 ▼
 *                                                        refund_requested ──refund──▶ refunded
 *                                                                 └─reject_refund─▶ (back)
 *
 * Delivered is what reviews wait for: a buyer reviews the lines of a delivered order.
 */
export type OrderAction =
  | 'pay'
  | 'expire'
  | 'cancel'
  | 'confirm'
  | 'ship'
  | 'confirm_receipt'
  | 'deliver'
  | 'request_refund'
  | 'refund'
  | 'reject_refund';
export type Actor = 'buyer' | 'seller' | 'system';
type Effect =
  /** Units go back to the variant (or the flash sale) they came from. */
  | 'release_stock'
  /** The reserved coupon claim becomes available again. */
  | 'release_coupon'
  /** The reserved coupon claim is spent. */
  | 'use_coupon'
  /** Money goes back: void an authorization or refund a capture. */
  | 'return_payment'
  /** Units go back to stock only if the goods came back (the seller says so). */
  | 'restock_if_returned';

interface Transition {
  to: OrderStatus | 'previous';
  effects: Effect[];
  /** Only the status changes when false (e.g. a seller confirming keeps the order paid). */
  changesStatus: boolean;
}

type Rule = { from: OrderStatus[]; actors: Actor[] } & Transition;

const RULES: Record<OrderAction, Rule> = {
  pay: { from: ['pending_payment'], actors: ['system'], to: 'paid', effects: ['use_coupon'], changesStatus: true },
  expire: {
    from: ['pending_payment'],
    actors: ['system'],
    to: 'cancelled',
    effects: ['release_stock', 'release_coupon'],
    changesStatus: true,
  },
  cancel: {
    from: ['pending_payment', 'paid'],
    actors: ['buyer', 'seller'],
    to: 'cancelled',
    effects: ['release_stock', 'release_coupon'],
    changesStatus: true,
  },
  confirm: { from: ['paid'], actors: ['seller'], to: 'paid', effects: [], changesStatus: false },
  ship: { from: ['paid'], actors: ['seller'], to: 'shipped', effects: [], changesStatus: true },
  confirm_receipt: { from: ['shipped'], actors: ['buyer'], to: 'delivered', effects: [], changesStatus: true },
  // The buyer did not confirm within ORDER_AUTO_DELIVER_DAYS of shipping: the sweeper assumes it arrived.
  deliver: { from: ['shipped'], actors: ['system'], to: 'delivered', effects: [], changesStatus: true },
  request_refund: { from: ['shipped', 'delivered'], actors: ['buyer'], to: 'refund_requested', effects: [], changesStatus: true },
  refund: {
    from: ['refund_requested', 'shipped', 'delivered'],
    actors: ['seller'],
    to: 'refunded',
    effects: ['return_payment', 'restock_if_returned'],
    changesStatus: true,
  },
  reject_refund: { from: ['refund_requested'], actors: ['seller'], to: 'previous', effects: [], changesStatus: true },
};

export type TransitionResult = { ok: true; transition: Transition } | { ok: false; why: 'actor' | 'state'; reason: string };

const WORDS: Record<OrderStatus, string> = {
  pending_payment: 'waiting for payment',
  paid: 'paid',
  shipped: 'shipped',
  delivered: 'delivered',
  cancelled: 'cancelled',
  refund_requested: 'waiting for a refund decision',
  refunded: 'refunded',
};

/** Decides whether `actor` may apply `action` to an order in `from`, and what must happen. */
export function transition(from: OrderStatus, action: OrderAction, actor: Actor): TransitionResult {
  const rule = RULES[action];
  if (!rule.actors.includes(actor))
    return { ok: false, why: 'actor', reason: `Only the ${rule.actors.join(' or ')} can ${action.replace('_', ' ')} an order` };
  if (!rule.from.includes(from))
    return { ok: false, why: 'state', reason: `The order is ${WORDS[from]}; it cannot be ${pastTense(action)} now` };
  const effects = [...rule.effects];
  // Cancelling after payment also gives the money back.
  if (action === 'cancel' && from === 'paid') effects.push('return_payment');
  return { ok: true, transition: { to: rule.to, effects, changesStatus: rule.changesStatus } };
}

function pastTense(action: OrderAction): string {
  return {
    pay: 'paid',
    expire: 'expired',
    cancel: 'cancelled',
    confirm: 'confirmed',
    ship: 'shipped',
    confirm_receipt: 'marked received',
    deliver: 'marked delivered',
    request_refund: 'refunded on request',
    refund: 'refunded',
    reject_refund: 'declined for refund',
  }[action];
}

/** Statuses in which the buyer has paid and the money should stay captured. */
const MONEY_KEPT: ReadonlySet<OrderStatus> = new Set(['paid', 'shipped', 'delivered', 'refund_requested']);
/** Statuses in which any money taken must go back. */
const MONEY_RETURNED: ReadonlySet<OrderStatus> = new Set(['cancelled', 'refunded']);

export const ALL_ACTIONS = Object.keys(RULES) as OrderAction[];

/**
 * What the payment provider must be told so money matches the order: the reconciler runs this
 * after every change and on a timer, so a crash between our commit and the provider call heals.
 */
export function paymentAction(order: OrderStatus, payment: PaymentStatus): 'capture' | 'void' | 'refund' | null {
  if (payment === 'authorized' && MONEY_KEPT.has(order)) return 'capture';
  if (payment === 'authorized' && (MONEY_RETURNED.has(order) || order === 'pending_payment'))
    return order === 'pending_payment' ? null : 'void';
  if (payment === 'captured' && MONEY_RETURNED.has(order)) return 'refund';
  return null;
}
