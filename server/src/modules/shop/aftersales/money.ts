/**
 * What units of an order line cost the buyer. The order's discount (coupon) is shared among
 * its lines in proportion to their totals, the last line taking the rounding remainder, and a
 * line's paid amount among its units the same way, cumulatively: refunding every unit of every
 * line, in any batches, gives back exactly the order's total, never a cent more.
 */
export interface PricedLine {
  id: string;
  lineTotal: number;
  quantity: number;
}

/** What the buyer paid for each line after the order discount, by line id. */
export function linePaid(lines: PricedLine[], subtotal: number, discount: number): Map<string, number> {
  const sorted = [...lines].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const out = new Map<string, number>();
  let shared = 0;
  sorted.forEach((l, i) => {
    const share = i === sorted.length - 1 ? discount - shared : subtotal > 0 ? Math.floor((discount * l.lineTotal) / subtotal) : 0;
    shared += share;
    out.set(l.id, l.lineTotal - share);
  });
  return out;
}

/** The refund for `quantity` more units of a line of which `alreadyRefunded` units were refunded before. */
export function unitsRefund(paid: number, lineQuantity: number, alreadyRefunded: number, quantity: number): number {
  const upTo = (k: number) => Math.floor((paid * k) / lineQuantity);
  return upTo(alreadyRefunded + quantity) - upTo(alreadyRefunded);
}
