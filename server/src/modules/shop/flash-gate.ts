import type { UserSummary } from '@tremolo/protocol';
import { LRUCache } from 'lru-cache';
import { notFound } from '../../platform/errors.ts';
import type { ShopContext } from './context.ts';
import type { FlashSaleRow, ProductRow, VariantRow } from './repo.ts';

export interface FlashDef {
  sale: FlashSaleRow;
  product: ProductRow;
  variant: VariantRow;
  seller: UserSummary;
}

/** How long a sale's definition is used before it is read again (meanwhile the last one still serves). */
const DEF_TTL_MS = 2000;
/** Sales whose definitions this node keeps: far more than run at once. */
const CACHED_DEFS = 10_000;

/**
 * The flash-sale gate in front of the checkout transaction, per node: the sale's definition
 * cached, a hint of the stock left, and admission of at most as many attempts as could win.
 */
export class FlashGate {
  /**
   * The sale, its product and variant, for DEF_TTL_MS and loaded once however many attempts ask
   * at the same moment (the opening second of a sale would otherwise load it hundreds of times,
   * which on a single-connection PGlite queued everyone for seconds). Past that, the old one is
   * served while one reload runs; a failed reload keeps it and the next call retries.
   */
  private readonly defs = new LRUCache<string, FlashDef>({
    max: CACHED_DEFS,
    ttl: DEF_TTL_MS,
    allowStale: true,
    noDeleteOnFetchRejection: true,
    ignoreFetchAbort: true,
    fetchMethod: (id) => this.load(id),
  });
  /** Per-node hint of flash-sale stock, so thousands of losers are turned away without a transaction. */
  private readonly hints = new Map<string, { left: number; at: number; refreshing: Promise<void> | null }>();
  private readonly admissions = new Map<string, { inFlight: number; waiters: Set<() => void> }>();

  constructor(private readonly ctx: ShopContext) {}

  /** Units left as this node last heard, if it has heard. */
  left(id: string): number | undefined {
    return this.hints.get(id)?.left;
  }

  async def(id: string): Promise<FlashDef> {
    const def = await this.defs.fetch(id);
    // The loader returns a definition or throws; a fetch is never aborted (ignoreFetchAbort).
    if (!def) throw notFound('Flash sale');
    return def;
  }

  private async load(id: string): Promise<FlashDef> {
    const started = Date.now();
    const sale = await this.ctx.repo.flashSale(id);
    if (!sale) throw notFound('Flash sale');
    const [found] = await this.ctx.repo.variantsByIds([sale.variantId]);
    if (!found) throw notFound('Flash sale');
    const seller = (await this.ctx.accounts.summaries([sale.sellerId])).get(sale.sellerId);
    if (!seller) throw notFound('Flash sale');
    // A count this node updated after the read began is newer than what was read.
    const h = this.hints.get(id);
    if (!h || h.at < started) this.hints.set(id, { left: sale.stockLeft, at: Date.now(), refreshing: null });
    return { sale, product: found.product, variant: found.variant, seller };
  }

  /** Sold out per this node's recent knowledge; re-checked against the database at most every `flashGateMs`. */
  private async looksSoldOut(id: string, q: number): Promise<boolean> {
    const h = this.hints.get(id);
    if (!h || h.left >= q) return false;
    if (Date.now() - h.at > this.ctx.options.flashGateMs && !h.refreshing) {
      h.refreshing = this.ctx.hot
        .flashStockLeft(id)
        .then((left) => {
          h.left = left ?? 0;
          h.at = Date.now();
        })
        .catch(() => undefined)
        .finally(() => (h.refreshing = null));
      await h.refreshing;
      return h.left < q;
    }
    return true;
  }

  /**
   * Admission for one node: at most as many attempts past this point as there are units left,
   * the rest wait (briefly) for one of those to finish. At a sale's start that keeps hundreds of
   * attempts that cannot all win from each running half a dozen queries and queueing on the
   * stock row; when the units are gone the waiters are answered "sold out" without a query.
   * Other nodes admit their own share; the guarded update in the database decides.
   */
  async admit(id: string, q: number): Promise<boolean> {
    let a = this.admissions.get(id);
    if (!a) this.admissions.set(id, (a = { inFlight: 0, waiters: new Set() }));
    const deadline = Date.now() + 10_000;
    const cap = Math.max(q, this.ctx.options.flashAdmitMax);
    for (;;) {
      if (await this.looksSoldOut(id, q)) return false;
      const left = this.hints.get(id)?.left ?? Number.POSITIVE_INFINITY;
      // Also capped: a hundred winners queued at once in the database would queue every loser's
      // two small queries behind their work; a few at a time get through as fast and the rest stay quick.
      if ((left - a.inFlight >= q && a.inFlight + q <= cap) || Date.now() > deadline) {
        a.inFlight += q;
        return true;
      }
      const admission = a;
      await new Promise<void>((resolve) => {
        const wake = () => {
          admission.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, 250);
        admission.waiters.add(wake);
      });
    }
  }

  release(id: string, q: number): void {
    const a = this.admissions.get(id);
    if (!a) return;
    a.inFlight = Math.max(0, a.inFlight - q);
    for (const wake of [...a.waiters]) wake();
  }

  note(id: string, left: number): void {
    const h = this.hints.get(id);
    if (h) {
      h.left = left;
      h.at = Date.now();
    }
  }
}
