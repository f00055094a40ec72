import type { OrderUpdate, StockEvent } from '@tremolo/protocol';
import { isUuid, type ChannelPolicy } from '../../platform/realtime/channels.ts';
import type { Realtime } from '../../platform/realtime/realtime.ts';

/**
 * `product:<id>`: live stock of a product and its flash sale. Anyone logged in may listen; only
 * the server writes. Ephemeral: a stock count is only worth its latest value, so nothing is stored.
 */
export const productChannelPolicy: ChannelPolicy = {
  kind: 'product',
  durable: false,
  canSubscribe: async (_user, id) => isUuid(id),
  canPublish: async () => false,
};

/**
 * Pushes shop events. Order changes go to the buyer's and the seller's `user:<id>` channel
 * (durable, so a reconnecting client catches up); stock goes to `product:<id>`, coalesced so a
 * flash sale with thousands of buyers sends a handful of frames a second, always the latest value.
 */
export class ShopEvents {
  private readonly pendingStock = new Map<string, StockEvent>();
  private readonly stockTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly realtime: Realtime,
    private readonly log: { warn(obj: unknown, msg: string): void },
    private readonly stockIntervalMs = 200,
  ) {}

  async order(buyerId: string, sellerId: string, update: Omit<OrderUpdate, 'role'>): Promise<void> {
    const sends = [
      this.realtime.publish(
        `user:${buyerId}`,
        { kind: 'order', order: { ...update, role: 'buyer' } },
        { clientId: `order:${update.id}:${update.status}:${update.paymentStatus}:b` },
      ),
      this.realtime.publish(
        `user:${sellerId}`,
        { kind: 'order', order: { ...update, role: 'seller' } },
        { clientId: `order:${update.id}:${update.status}:${update.paymentStatus}:s` },
      ),
    ];
    // A lost live update is repaired by the next fetch; it must never fail the order change itself.
    for (const r of await Promise.allSettled(sends))
      if (r.status === 'rejected') this.log.warn({ err: r.reason }, 'order event not published');
  }

  /** Sends stock at once, then at most every `stockIntervalMs` with the latest value (leading and trailing edge). */
  stock(ev: StockEvent): void {
    const key = `${ev.productId}:${ev.flashSaleId ?? ''}`;
    if (this.stockTimers.has(key)) {
      this.pendingStock.set(key, ev);
      return;
    }
    this.sendStock(ev);
    const tick = () => {
      const latest = this.pendingStock.get(key);
      this.pendingStock.delete(key);
      if (!latest) return void this.stockTimers.delete(key);
      this.sendStock(latest);
      this.stockTimers.set(key, setTimeout(tick, this.stockIntervalMs));
    };
    this.stockTimers.set(key, setTimeout(tick, this.stockIntervalMs));
  }

  private sendStock(ev: StockEvent): void {
    this.realtime.publish(`product:${ev.productId}`, ev).catch((err: unknown) => this.log.warn({ err }, 'stock event not published'));
  }

  close(): void {
    for (const t of this.stockTimers.values()) clearTimeout(t);
    this.stockTimers.clear();
    this.pendingStock.clear();
  }
}
