import type { UserSummary } from '@tremolo/protocol';
import { LRUCache } from 'lru-cache';
import { notFound } from '../../platform/errors.ts';
import type { ShopContext } from './context.ts';
import { newId } from '../../platform/ids.ts';
import type { FlashTokens, Take } from './flash-tokens.ts';
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

/** A counter lives this long past its sale's end, for late retries; then Redis drops it. */
const AFTER_END_SEC = 3600;

/**
 * The flash-sale gate in front of the checkout transaction: the sale's definition cached per
 * node, and an admission token per unit (in Redis when configured, shared by every node; else
 * in this process). An attempt without a token is answered "sold out" without a query; one with
 * a token runs the transaction, where PostgreSQL's guarded decrement still decides. Tokens are
 * given back when that transaction sells nothing and when an order's units return to the sale,
 * and every `flashGateMs` one node resets the counter to PostgreSQL's count minus attempts in
 * flight, which heals a token lost to a crash or a Redis flush.
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
  /** Units left as this node last heard (for stock events), and when it last reconciled. */
  private readonly sales = new Map<string, { left: number | undefined; reconciledAt: number; endsAt: number }>();
  private readonly inits = new Map<string, Promise<void>>();
  private readonly reconciling = new Map<string, Promise<void>>();
  /** Winners' transactions at once per sale on this node; the rest queue here (losers never do). */
  private readonly slots = new Map<string, { n: number; queue: (() => void)[] }>();

  constructor(
    private readonly ctx: ShopContext,
    private readonly tokens: FlashTokens,
  ) {}

  async def(id: string): Promise<FlashDef> {
    const def = await this.defs.fetch(id);
    // The loader returns a definition or throws; a fetch is never aborted (ignoreFetchAbort).
    if (!def) throw notFound('Flash sale');
    return def;
  }

  private async load(id: string): Promise<FlashDef> {
    const sale = await this.ctx.repo.flashSale(id);
    if (!sale) throw notFound('Flash sale');
    const [found] = await this.ctx.repo.variantsByIds([sale.variantId]);
    if (!found) throw notFound('Flash sale');
    const seller = (await this.ctx.accounts.summaries([sale.sellerId])).get(sale.sellerId);
    if (!seller) throw notFound('Flash sale');
    return { sale, product: found.product, variant: found.variant, seller };
  }

  /**
   * A token for this attempt, or why not. `known` buyers ordered in this sale before: the caller
   * replays their key first and, if it was a new purchase, asks again with `skipKnown`.
   * Without a working token store (Redis down) the attempt goes on untracked: PostgreSQL decides.
   */
  async take(sale: FlashSaleRow, userId: string, q: number, skipKnown = false): Promise<Exclude<Take, { kind: 'missing' }>> {
    const attempt = newId();
    let s = this.sales.get(sale.id);
    if (!s) this.sales.set(sale.id, (s = { left: undefined, reconciledAt: Date.now(), endsAt: sale.endsAt.getTime() }));
    try {
      let t = await this.tokens.take(sale.id, userId, q, attempt, skipKnown);
      if (t.kind === 'missing') {
        await this.init(sale);
        t = await this.tokens.take(sale.id, userId, q, attempt, skipKnown);
      }
      if (t.kind === 'won' || t.kind === 'sold_out') s.left = t.left;
      if (Date.now() - s.reconciledAt > this.ctx.options.flashGateMs) void this.reconcile(sale.id);
      if (t.kind !== 'missing') return t;
    } catch (err) {
      this.ctx.log.warn({ err, saleId: sale.id }, 'flash-sale tokens unavailable; the database decides alone');
    }
    return { kind: 'won', attempt: `untracked-${attempt}`, left: s.left ?? 0 };
  }

  /** The attempt's transaction is over: sold (the token is spent) or not (it goes back). */
  async finish(saleId: string, attempt: string, q: number, sold: boolean): Promise<void> {
    if (attempt.startsWith('untracked-')) return;
    try {
      await this.tokens.finish(saleId, attempt, q, !sold);
    } catch (err) {
      // The attempt stays "in flight" until it is stale; the reconcile then counts it right.
      this.ctx.log.warn({ err, saleId }, 'flash-sale token not finished');
    }
  }

  /** Units went back to the sale in PostgreSQL (committed): so do their tokens. */
  async returned(saleId: string, q: number, left: number): Promise<void> {
    const s = this.sales.get(saleId);
    if (s) s.left = left;
    try {
      await this.tokens.giveBack(saleId, q);
    } catch (err) {
      this.ctx.log.warn({ err, saleId }, 'flash-sale token not given back; the reconcile will');
    }
  }

  /** Winners' transactions at most `flashAdmitMax` at once per sale on this node. */
  async enter(saleId: string): Promise<void> {
    let s = this.slots.get(saleId);
    if (!s) this.slots.set(saleId, (s = { n: 0, queue: [] }));
    if (s.n < this.ctx.options.flashAdmitMax) {
      s.n++;
      return;
    }
    const slot = s;
    await new Promise<void>((resolve) => slot.queue.push(resolve));
  }

  leave(saleId: string): void {
    const s = this.slots.get(saleId);
    if (!s) return;
    // The slot passes straight to the next waiter.
    const next = s.queue.shift();
    if (next) next();
    else if (--s.n === 0) this.slots.delete(saleId);
  }

  /** First attempt on this node (or the counter vanished): create it from PostgreSQL unless another node just did. */
  private init(sale: FlashSaleRow): Promise<void> {
    let p = this.inits.get(sale.id);
    if (!p) {
      p = (async () => {
        const [left, buyers] = await Promise.all([this.ctx.hot.flashStockLeft(sale.id), this.ctx.repo.flashBuyers(sale.id)]);
        await this.tokens.reset(sale.id, left, buyers, this.ttlSec(sale.endsAt.getTime()), true);
      })().finally(() => this.inits.delete(sale.id));
      this.inits.set(sale.id, p);
    }
    return p;
  }

  private ttlSec(endsAt: number): number {
    return Math.max(60, Math.ceil((endsAt - Date.now()) / 1000) + AFTER_END_SEC);
  }

  /**
   * Resets one sale's counter to PostgreSQL's count minus attempts in flight, if it is this
   * node's turn (`force`: now, whoever's turn; for tests and operators).
   */
  async reconcile(saleId: string, force = false): Promise<void> {
    let s = this.sales.get(saleId);
    if (!s) {
      if (!force) return;
      const { sale } = await this.def(saleId);
      this.sales.set(saleId, (s = { left: undefined, reconciledAt: 0, endsAt: sale.endsAt.getTime() }));
    }
    if (force) return this.reconcileOnce(saleId, s, true);
    let p = this.reconciling.get(saleId);
    if (!p) {
      p = this.reconcileOnce(saleId, s, false).finally(() => this.reconciling.delete(saleId));
      this.reconciling.set(saleId, p);
    }
    return p;
  }

  private async reconcileOnce(saleId: string, s: { left: number | undefined; reconciledAt: number; endsAt: number }, force: boolean) {
    s.reconciledAt = Date.now();
    try {
      if (!force && !(await this.tokens.reconcileTurn(saleId, this.ctx.options.flashGateMs))) return;
      const left = await this.ctx.hot.flashStockLeft(saleId);
      await this.tokens.reset(saleId, left, [], this.ttlSec(s.endsAt), false);
      s.left = left;
    } catch (err) {
      this.ctx.log.warn({ err, saleId }, 'flash-sale reconcile failed');
    }
  }

  /** The sweeper's pass: every sale this node has seen that has not long ended. */
  async reconcileAll(): Promise<void> {
    for (const [id, s] of this.sales) {
      if (s.endsAt + AFTER_END_SEC * 1000 < Date.now()) this.sales.delete(id);
      else await this.reconcile(id);
    }
  }
}
