import { decodeTimeKey, encodeTimeKey } from '../../../platform/keyset.ts';
import {
  MAX_AFTERSALES_PHOTOS,
  type AftersalesEventKind,
  type AftersalesRequest,
  type AftersalesStatus,
  type OpenAftersalesBody,
  type OrderStatus,
} from '@tremolo/protocol';
import { AppError, notFound } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { pgErrorCode, UNIQUE_VIOLATION } from '../../../platform/db/client.ts';
import { intakeImage, type ImageIntakeSpec } from '../../../platform/image-intake.ts';
import type { PrivateFiles, ReadableFiles } from '../../../platform/storage.ts';
import type { ArchiveWriter } from '../../accounts/archive.ts';
import { groupBy } from '../catalog.ts';
import type { ShopContext } from '../context.ts';
import type { Orders } from '../orders.ts';
import { ShopRepo, type OrderRow } from '../repo.ts';
import { linePaid, unitsRefund } from './money.ts';
import { archiveName, photoDto, photoKeys, PhotoStore } from './photos.ts';
import { AftersalesRepo, type AftersalesRow } from './repo.ts';
import { ACTIVE_STATUSES } from './tables.ts';

const DAY = 86_400_000;
type Actor = 'buyer' | 'seller' | 'moderator' | 'system';

/** An after-sales photo goes through the same intake as product and review photos. */
function photoSpec(maxBytes: number): ImageIntakeSpec<'main' | 'thumb'> {
  return {
    maxBytes: { bytes: maxBytes, message: 'That photo is too large' },
    unsupported: 'Photos must be JPEG, PNG or WebP',
    minSide: { px: 200, message: 'Photos must be at least 200×200 pixels' },
    renditions: {
      main: { size: 1280, fit: 'inside', quality: 82 },
      thumb: { size: 400, fit: 'cover', quality: 78 },
    },
  };
}

/** Orders whose money is still with the seller: the only ones after-sales may refund from. */
const REFUNDABLE: ReadonlySet<OrderStatus> = new Set(['shipped', 'delivered', 'refund_requested']);

/** Who decides escalated requests; the moderation module answers. */
export interface AftersalesModerators {
  assertModerator(userId: string): Promise<void>;
  isModerator(userId: string): Promise<boolean>;
  /** Everyone who moderates now (a handful): told when a dispute waits for them. */
  moderatorIds(): Promise<string[]>;
}

/** One step's outcome, acted on after commit: who hears of it and whether money is now owed. */
interface Step {
  row: AftersalesRow;
  event: AftersalesEventKind;
  tell: ('buyer' | 'seller' | 'moderators')[];
  restocked?: string;
}

/**
 * After-sales requests on order lines (售后). Every step runs under the order's row lock (the
 * same lock the order's own transitions take) with a status-guarded update, so a step taken
 * twice, or by two tabs at once, happens once. A refund is decided in that transaction (status
 * `refunding`, amount written) and paid afterwards through the provider with the key
 * `refund:<payment>:<request>`; the sweeper retries what is left `refunding`, so money converges
 * after a crash. When every unit of an order has been refunded the order becomes `refunded`.
 */
export class Aftersales {
  private readonly repo: AftersalesRepo;
  private moderators: AftersalesModerators | null = null;
  private readonly photos: PhotoStore;

  constructor(
    private readonly ctx: ShopContext,
    private readonly orders: Orders,
  ) {
    this.repo = new AftersalesRepo(ctx.db);
    this.photos = new PhotoStore(ctx.storage, ctx.privateFiles);
  }

  useModerators(m: AftersalesModerators): void {
    this.moderators = m;
  }

  // ------------------------------------------------------------ buyer

  async open(userId: string, body: OpenAftersalesBody): Promise<AftersalesRequest> {
    await this.ctx.limits.consume('aftersalesWrites', userId);
    const now = this.ctx.now();
    let step: Step;
    try {
      step = await this.ctx.db.transaction(async (tx) => {
        const shop = new ShopRepo(tx);
        const repo = new AftersalesRepo(tx);
        const line = await repo.line(body.orderItemId);
        const o = line ? await shop.orderForUpdate(line.orderId) : undefined;
        if (!line || !o || o.buyerId !== userId) throw notFound('Order line');
        this.assertWindow(o, now);
        const active = (await repo.ofLine(line.id)).filter((r) => isActive(r.status));
        if (active.length) throw new AppError('conflict', 'This item already has an open after-sales request');
        const left = line.quantity - line.refundedQuantity;
        if (body.quantity > left)
          throw new AppError('validation_failed', `At most ${left} of this item can be refunded`, [
            { path: 'quantity', message: `at most ${left}` },
          ]);
        const row = await repo.insert({
          id: newId(),
          orderId: o.id,
          orderItemId: line.id,
          buyerId: o.buyerId,
          sellerId: o.sellerId,
          kind: body.kind,
          quantity: body.quantity,
          reason: body.reason,
          body: body.text,
          status: 'requested',
          createdAt: now,
          updatedAt: now,
        });
        await repo.addEvent({ id: newId(), requestId: row.id, kind: 'opened', actor: 'buyer', note: body.text || null, at: now });
        return { row, event: 'opened' as const, tell: ['seller' as const] };
      });
    } catch (e) {
      if (pgErrorCode(e) === UNIQUE_VIOLATION) throw new AppError('conflict', 'This item already has an open after-sales request');
      throw e;
    }
    return this.after(step);
  }

  async addPhoto(userId: string, id: string, bytes: Buffer): Promise<AftersalesRequest> {
    await this.ctx.limits.consume('aftersalesWrites', userId);
    const r = await this.repo.byId(id);
    if (!r || r.buyerId !== userId) throw notFound('After-sales request');
    if (r.status !== 'requested') throw new AppError('invalid_state', 'Photos can be added while the seller has not answered');
    const full = () => new AppError('limit_reached', `A request has at most ${MAX_AFTERSALES_PHOTOS} photos`);
    if (r.photos.length >= MAX_AFTERSALES_PHOTOS) throw full();
    const photoId = newId();
    const keys = photoKeys(id, photoId);
    const { main } = await intakeImage(this.photos.files, bytes, photoSpec(this.ctx.options.maxImageBytes), keys);
    const photo = { id: photoId, key: keys.main, thumbKey: keys.thumb, width: main.width, height: main.height };
    // The check above spares the image work; the conditional append holds the cap (and the status) under races.
    const updated = await this.repo.appendPhoto(id, userId, photo, MAX_AFTERSALES_PHOTOS);
    if (!updated) {
      await this.photos.remove(photo);
      throw full();
    }
    return this.dto(updated);
  }

  async shipBack(userId: string, id: string, input: { carrier: string; trackingNumber: string }): Promise<AftersalesRequest> {
    return this.step(userId, id, 'buyer', async (r, _o, repo, now) => {
      if (r.status !== 'accepted') throw stateError(r.status, 'shipped back');
      const row = await this.moved(
        repo,
        r,
        'accepted',
        { status: 'returning', returnCarrier: input.carrier, returnTracking: input.trackingNumber },
        now,
      );
      await this.event(repo, r.id, 'shipped_back', 'buyer', `${input.carrier} ${input.trackingNumber}`, now);
      return { row, event: 'shipped_back', tell: ['seller'] };
    });
  }

  async escalate(userId: string, id: string, text: string): Promise<AftersalesRequest> {
    try {
      return await this.step(userId, id, 'buyer', async (r, o, repo, now) => {
        if (r.status !== 'declined') throw stateError(r.status, 'escalated');
        const line = await this.line(repo, r);
        if (r.quantity > line.quantity - line.refundedQuantity) throw new AppError('invalid_state', 'These units were refunded meanwhile');
        if (!REFUNDABLE.has(o.status)) throw new AppError('invalid_state', 'This order can no longer be refunded');
        const row = await this.moved(repo, r, 'declined', { status: 'escalated' }, now);
        await this.event(repo, r.id, 'escalated', 'buyer', text || null, now);
        return { row, event: 'escalated', tell: ['seller', 'moderators'] };
      });
    } catch (e) {
      // Another request on the line is open: moderators would be deciding on units already in play.
      if (pgErrorCode(e) === UNIQUE_VIOLATION) throw new AppError('conflict', 'This item has another open request');
      throw e;
    }
  }

  // ------------------------------------------------------------ seller

  async accept(userId: string, id: string): Promise<AftersalesRequest> {
    return this.step(userId, id, 'seller', async (r, o, repo, now) => {
      if (r.status !== 'requested') throw stateError(r.status, 'accepted');
      if (!REFUNDABLE.has(o.status)) throw new AppError('invalid_state', 'This order can no longer be refunded');
      await this.event(repo, r.id, 'accepted', 'seller', null, now);
      if (r.kind === 'return_refund') {
        const row = await this.moved(repo, r, 'requested', { status: 'accepted' }, now);
        return { row, event: 'accepted', tell: ['buyer'] };
      }
      const row = await this.moved(repo, r, 'requested', { status: 'refunding', refundAmount: await this.amount(repo, o, r) }, now);
      return { row, event: 'accepted', tell: ['buyer'] };
    });
  }

  async decline(userId: string, id: string, reason: string): Promise<AftersalesRequest> {
    return this.step(userId, id, 'seller', async (r, _o, repo, now) => {
      if (r.status !== 'requested') throw stateError(r.status, 'declined');
      const row = await this.moved(repo, r, 'requested', { status: 'declined', declineReason: reason }, now);
      await this.event(repo, r.id, 'declined', 'seller', reason, now);
      return { row, event: 'declined', tell: ['buyer'] };
    });
  }

  /** The goods came back: the units return to the variant's stock and the refund is decided. */
  async receive(userId: string, id: string): Promise<AftersalesRequest> {
    return this.step(userId, id, 'seller', async (r, o, repo, now, shop) => {
      if (r.status !== 'returning') throw stateError(r.status, 'marked received');
      if (!REFUNDABLE.has(o.status)) throw new AppError('invalid_state', 'This order can no longer be refunded');
      const row = await this.moved(repo, r, 'returning', { status: 'refunding', refundAmount: await this.amount(repo, o, r) }, now);
      const line = await this.line(repo, r);
      await shop.returnStock(line.variantId, r.quantity);
      await this.event(repo, r.id, 'received', 'seller', null, now);
      return { row, event: 'received', tell: ['buyer'], restocked: line.productId };
    });
  }

  // ------------------------------------------------------------ moderators

  async escalated(
    userId: string,
    q: { cursor?: string | undefined; limit: number },
  ): Promise<{ items: AftersalesRequest[]; nextCursor: string | null }> {
    await this.mods().assertModerator(userId);
    const rows = await this.repo.escalated(q.limit + 1, q.cursor ? decodeTimeKey(q.cursor) : undefined);
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: await this.dtos(page),
      nextCursor: rows.length > q.limit && last ? encodeTimeKey(last.updatedAt, last.id) : null,
    };
  }

  async decide(userId: string, id: string, decision: 'refund' | 'uphold', note: string): Promise<AftersalesRequest> {
    await this.mods().assertModerator(userId);
    return this.step(userId, id, 'moderator', async (r, o, repo, now) => {
      if (r.status !== 'escalated') throw stateError(r.status, 'decided');
      // A moderator who is a party to the dispute leaves it to another moderator.
      if (r.buyerId === userId || r.sellerId === userId) throw new AppError('forbidden', 'Another moderator must decide your own dispute');
      if (decision === 'uphold') {
        const row = await this.moved(repo, r, 'escalated', { status: 'closed' }, now);
        await this.event(repo, r.id, 'decided_uphold', 'moderator', note || null, now);
        return { row, event: 'decided_uphold', tell: ['buyer', 'seller'] };
      }
      if (!REFUNDABLE.has(o.status)) throw new AppError('invalid_state', 'This order can no longer be refunded');
      // The moderator refunds without waiting for goods: a dispute is about money, not a parcel.
      const row = await this.moved(repo, r, 'escalated', { status: 'refunding', refundAmount: await this.amount(repo, o, r) }, now);
      await this.event(repo, r.id, 'decided_refund', 'moderator', note || null, now);
      return { row, event: 'decided_refund', tell: ['buyer', 'seller'] };
    });
  }

  // ------------------------------------------------------------ reading

  async get(userId: string, id: string): Promise<AftersalesRequest> {
    return this.dto(await this.seen(userId, id));
  }

  /**
   * Where one of a request's photos is stored, for its buyer, its seller or a moderator; anyone
   * else learns nothing, not even that the request exists.
   */
  async photoFile(
    userId: string,
    id: string,
    photoId: string,
    size: 'full' | 'thumb',
  ): Promise<{ key: string; legacy: ReadableFiles | null }> {
    const r = await this.seen(userId, id);
    const p = r.photos.find((x) => x.id === photoId);
    if (!p) throw notFound('Photo');
    const key = size === 'thumb' ? p.thumbKey : p.key;
    return { key, legacy: this.photos.legacyAreaOf(key) };
  }

  /** Where photos are kept (the photo route answers from here once the party check passed). */
  get photoFiles(): PrivateFiles {
    return this.photos.files;
  }

  /** The sweeper's pass: photos the first release left in the public area move to the private one. */
  async moveLegacyPhotos(limit = 20): Promise<number> {
    let moved = 0;
    for (const r of await this.repo.withLegacyPhotos(limit)) {
      const next = await this.photos.copyLegacy(r.id, r.photos);
      // Only if nobody changed the photos meanwhile; otherwise the next pass tries again.
      if (await this.repo.swapPhotos(r.id, r.photos, next)) {
        await this.photos.forgetLegacy(r.photos);
        moved++;
      }
    }
    return moved;
  }

  /** The request, if `userId` is a party to it or a moderator. */
  private async seen(userId: string, id: string): Promise<AftersalesRow> {
    const r = await this.repo.byId(id);
    if (!r) throw notFound('After-sales request');
    if (r.buyerId !== userId && r.sellerId !== userId && !(await this.mods().isModerator(userId))) throw notFound('After-sales request');
    return r;
  }

  async ofOrder(userId: string, orderId: string): Promise<AftersalesRequest[]> {
    const o = await this.ctx.repo.order(orderId);
    if (!o || (o.buyerId !== userId && o.sellerId !== userId)) throw notFound('Order');
    return this.dtos(await this.repo.ofOrder(orderId));
  }

  /** A person's requests for their data archive. */
  async exportOf(buyerId: string) {
    return (await this.repo.byBuyer(buyerId)).map((r) => ({
      id: r.id,
      orderId: r.orderId,
      kind: r.kind,
      quantity: r.quantity,
      reason: r.reason,
      text: r.body,
      status: r.status,
      refundAmount: r.refundAmount,
      photos: r.photos.map((p) => archiveName(r.id, p.id)),
      createdAt: r.createdAt.toISOString(),
    }));
  }

  /** The photos a person added to their requests, for their data archive. */
  async exportPhotos(buyerId: string, archive: ArchiveWriter): Promise<void> {
    for (const r of await this.repo.byBuyer(buyerId)) {
      for (const p of r.photos) {
        const files = this.photos.areaOf(p.key);
        if (await files.stat(p.key)) await archive.file(archiveName(r.id, p.id), () => files.read(p.key));
      }
    }
  }

  // ------------------------------------------------------------ money

  /**
   * Pays a decided refund: the provider first (idempotent key), then our record, guarded by the
   * `refunding` status so a retry, the sweeper and a second node settle it once. A failure leaves
   * it `refunding` for the sweeper.
   */
  async settle(id: string): Promise<void> {
    const r = await this.repo.byId(id);
    if (!r || r.status !== 'refunding' || r.refundAmount === null) return;
    const p = (await this.ctx.repo.paymentsOf([r.orderId])).get(r.orderId);
    // Not captured yet (the capture is still being reconciled): the sweeper comes back.
    if (!p || !p.providerRef || p.status !== 'captured') return;
    const provider = this.ctx.providers.get(p.provider);
    if (!provider) return;
    try {
      if (r.refundAmount > 0)
        await provider.refund({ ref: p.providerRef, amount: r.refundAmount, idempotencyKey: `refund:${p.id}:${r.id}` });
    } catch (err) {
      this.ctx.log.warn({ err, requestId: r.id }, 'after-sales refund failed; the sweeper retries');
      return;
    }
    const done = await this.ctx.db.transaction(async (tx) => {
      const shop = new ShopRepo(tx);
      const repo = new AftersalesRepo(tx);
      const o = await shop.orderForUpdate(r.orderId);
      const now = this.ctx.now();
      const row = await repo.move(r.id, 'refunding', { status: 'refunded', refundedAt: now }, now);
      if (!o || !row) return null;
      await repo.recordRefund(r.orderItemId, r.orderId, r.quantity, r.refundAmount!);
      await this.event(repo, r.id, 'refunded', 'system', null, now);
      const items = await shop.items([o.id]);
      const all = items.every((i) => i.refundedQuantity >= i.quantity);
      let order: OrderRow | undefined;
      if (all && REFUNDABLE.has(o.status)) {
        // Every unit came back through after-sales: the whole order is refunded and its payment fully returned.
        order = await shop.updateOrder(o.id, o.status, { status: 'refunded', statusBeforeRefund: null });
        await shop.insertOrderEvent({
          id: newId(),
          orderId: o.id,
          status: 'refunded',
          actor: 'system',
          note: 'Every item refunded after-sales',
          at: now,
        });
        await shop.updatePayment(p.id, 'captured', { status: 'refunded', refundedAt: now });
      }
      return { row, order };
    });
    if (!done) return;
    await this.after({ row: done.row, event: 'refunded', tell: ['buyer', 'seller'] });
    await this.orders.publish(done.order ?? (await this.ctx.repo.order(r.orderId))!);
  }

  /** The sweeper's pass: refunds decided a while ago that the provider has not confirmed yet. */
  async settleDue(limit = 50): Promise<void> {
    for (const id of await this.repo.refundingSince(new Date(this.ctx.now().getTime() - 5000), limit)) await this.settle(id);
  }

  // ------------------------------------------------------------ helpers

  private mods(): AftersalesModerators {
    if (!this.moderators) throw new Error('after-sales moderators are not wired');
    return this.moderators;
  }

  /** Open while the goods travel, and for ORDER_AFTERSALES_DAYS after delivery. */
  private assertWindow(o: OrderRow, now: Date): void {
    if (o.status === 'shipped') return;
    if (o.status === 'delivered' && o.deliveredAt && now.getTime() < o.deliveredAt.getTime() + this.ctx.options.aftersalesDays * DAY)
      return;
    if (o.status === 'delivered')
      throw new AppError('invalid_state', `After-sales requests are taken within ${this.ctx.options.aftersalesDays} days of delivery`);
    throw new AppError('invalid_state', 'After-sales requests are taken once the order has shipped');
  }

  /** Runs one step under the order's lock after checking who is acting; notifies and settles after commit. */
  private async step(
    userId: string,
    id: string,
    as: Actor,
    run: (r: AftersalesRow, o: OrderRow, repo: AftersalesRepo, now: Date, shop: ShopRepo) => Promise<Step>,
  ): Promise<AftersalesRequest> {
    await this.ctx.limits.consume('aftersalesWrites', userId);
    const step = await this.ctx.db.transaction(async (tx) => {
      const shop = new ShopRepo(tx);
      const repo = new AftersalesRepo(tx);
      const first = await repo.byId(id);
      const o = first ? await shop.orderForUpdate(first.orderId) : undefined;
      // Read again under the lock: the status seen before it may have moved.
      const r = o ? await repo.byId(id) : undefined;
      if (!r || !o) throw notFound('After-sales request');
      if (as !== 'moderator') {
        const mine = as === 'buyer' ? r.buyerId : r.sellerId;
        if (mine !== userId) {
          if (r.buyerId === userId || r.sellerId === userId)
            throw new AppError('forbidden', as === 'buyer' ? 'Only the buyer can do this' : 'Only the seller can do this');
          throw notFound('After-sales request');
        }
      }
      return run(r, o, repo, this.ctx.now(), shop);
    });
    return this.after(step);
  }

  private async after(step: Step): Promise<AftersalesRequest> {
    if (step.restocked) this.ctx.changed(step.restocked);
    const dto = await this.dto(step.row);
    const recipients: { id: string; role: 'buyer' | 'seller' | 'moderator' }[] = [];
    for (const to of step.tell) {
      if (to === 'buyer') recipients.push({ id: step.row.buyerId, role: 'buyer' });
      else if (to === 'seller') recipients.push({ id: step.row.sellerId, role: 'seller' });
      else {
        // A moderator who is a party hears of it as that party (they cannot decide it anyway).
        const mods = await this.mods()
          .moderatorIds()
          .catch((err: unknown) => (this.ctx.log.warn({ err }, 'moderators unknown'), [] as string[]));
        for (const id of mods) if (id !== step.row.buyerId && id !== step.row.sellerId) recipients.push({ id, role: 'moderator' });
      }
    }
    for (const { id, role } of recipients) {
      await this.ctx.notifications
        .notify(id, { kind: 'aftersales', requestId: step.row.id, orderId: step.row.orderId, event: step.event, role, title: dto.title })
        .catch((err: unknown) => this.ctx.log.warn({ err }, 'after-sales notification failed'));
    }
    if (step.row.status === 'refunding') {
      await this.settle(step.row.id);
      const now = await this.repo.byId(step.row.id);
      if (now) return this.dto(now);
    }
    return dto;
  }

  private async moved(repo: AftersalesRepo, r: AftersalesRow, from: AftersalesStatus, patch: Partial<AftersalesRow>, now: Date) {
    const row = await repo.move(r.id, from, patch, now);
    if (!row) throw new AppError('conflict', 'The request changed meanwhile; reload it');
    return row;
  }

  private async event(repo: AftersalesRepo, requestId: string, kind: AftersalesEventKind, actor: Actor, note: string | null, at: Date) {
    await repo.addEvent({ id: newId(), requestId, kind, actor, note, at });
  }

  private async line(repo: AftersalesRepo, r: AftersalesRow) {
    const line = await repo.line(r.orderItemId);
    if (!line) throw notFound('Order line');
    return line;
  }

  /** The units' share of what the buyer paid for the line (coupon discount spread in proportion). */
  private async amount(repo: AftersalesRepo, o: OrderRow, r: AftersalesRow): Promise<number> {
    const items = await repo.lines(o.id);
    const paid = linePaid(items, o.subtotal, o.discount).get(r.orderItemId) ?? 0;
    const line = items.find((i) => i.id === r.orderItemId)!;
    return unitsRefund(paid, line.quantity, line.refundedQuantity, r.quantity);
  }

  private async dto(r: AftersalesRow): Promise<AftersalesRequest> {
    return (await this.dtos([r]))[0]!;
  }

  private async dtos(rows: AftersalesRow[]): Promise<AftersalesRequest[]> {
    if (rows.length === 0) return [];
    const [items, events, people] = await Promise.all([
      this.ctx.repo.items([...new Set(rows.map((r) => r.orderId))]),
      this.repo.events(rows.map((r) => r.id)),
      this.ctx.accounts.summaries([...new Set(rows.flatMap((r) => [r.buyerId, r.sellerId]))]),
    ]);
    const orderRows = await Promise.all([...new Set(rows.map((r) => r.orderId))].map((id) => this.ctx.repo.order(id)));
    const currency = new Map(orderRows.flatMap((o) => (o ? [[o.id, o.currency] as const] : [])));
    const line = new Map(items.map((i) => [i.id, i]));
    const eventsOf = groupBy(events, (e) => e.requestId);
    return rows.flatMap((r) => {
      const buyer = people.get(r.buyerId);
      const seller = people.get(r.sellerId);
      const l = line.get(r.orderItemId);
      if (!buyer || !seller || !l) return [];
      return [
        {
          id: r.id,
          orderId: r.orderId,
          orderItemId: r.orderItemId,
          buyer,
          seller,
          title: l.title,
          options: l.options,
          imageUrl: l.imageKey ? this.ctx.storage.url(l.imageKey) : null,
          kind: r.kind,
          quantity: r.quantity,
          reason: r.reason,
          text: r.body,
          photos: r.photos.map((p) => photoDto(r.id, p)),
          status: r.status,
          refund: r.refundAmount === null ? null : { amount: r.refundAmount, currency: currency.get(r.orderId) ?? 'CNY' },
          returnShipment: r.returnCarrier && r.returnTracking ? { carrier: r.returnCarrier, trackingNumber: r.returnTracking } : null,
          declineReason: r.declineReason,
          timeline: (eventsOf.get(r.id) ?? []).map((e) => ({ kind: e.kind, actor: e.actor, note: e.note, at: e.at.toISOString() })),
          createdAt: r.createdAt.toISOString(),
          updatedAt: r.updatedAt.toISOString(),
        },
      ];
    });
  }
}

function isActive(s: AftersalesStatus): boolean {
  return (ACTIVE_STATUSES as readonly AftersalesStatus[]).includes(s);
}

function stateError(s: AftersalesStatus, what: string): AppError {
  return new AppError('invalid_state', `The request is ${s.replace('_', ' ')}; it cannot be ${what} now`);
}
