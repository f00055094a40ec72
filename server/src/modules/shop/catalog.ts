import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { LowStockItem as LowStockSchema } from '@tremolo/protocol';
import type {
  CardSection,
  CreateProductBody,
  NewVariant,
  Product,
  ProductCard,
  RatingAverage,
  RecordTouchesBody,
  Shop,
  StoreScore,
  UpdateProductBody,
  UpdateVariantBody,
  UpsertShopBody,
  UserSummary,
} from '@tremolo/protocol';
import { AppError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { lockFor, pgErrorCode, UNIQUE_VIOLATION } from '../../platform/db/client.ts';
import { intakeImage } from '../../platform/image-intake.ts';
import type { UserRow } from '../accounts/service.ts';
import type { CardSectionProvider } from '../cards/service.ts';
import type { ShopContext } from './context.ts';
import { flashBadge, imageDto, productCard, variantDto } from './dto.ts';
import { MAX_IMAGES, productImageSpec } from './images.ts';
import { ShopRepo, type FlashSaleRow, type ProductRow, type VariantRow } from './repo.ts';

const MAX_VARIANTS = 50;

export interface ProductIndexRow {
  id: string;
  sellerId: string;
  title: string;
  description: string;
  /** Published with an active variant: findable. */
  published: boolean;
  price: number | null;
  inStock: boolean;
  sales: number;
  createdAt: Date;
}

type NewVariantInput = z.infer<typeof NewVariant>;

/** Ratings and store scores come from the reviews part of the shop, plugged in after both are built. */
export interface RatingSource {
  ratings(productIds: string[]): Promise<Map<string, RatingAverage>>;
  scoreOf(sellerId: string): Promise<StoreScore | null>;
}
type LowStockItem = z.infer<typeof LowStockSchema>;

/** Shops, products, variants, images, product cards, the showcase and view/click recording. */
export class Catalog implements CardSectionProvider {
  private ratingSource: RatingSource | null = null;

  constructor(private readonly ctx: ShopContext) {}

  useRatings(source: RatingSource): void {
    this.ratingSource = source;
  }

  private ratings(ids: string[]): Promise<Map<string, RatingAverage>> {
    return this.ratingSource?.ratings(ids) ?? Promise.resolve(new Map());
  }

  private score(sellerId: string): Promise<StoreScore | null> {
    return this.ratingSource?.scoreOf(sellerId) ?? Promise.resolve(null);
  }

  private get repo() {
    return this.ctx.repo;
  }

  // ------------------------------------------------------------ shop

  async upsertShop(sellerId: string, body: z.infer<typeof UpsertShopBody>): Promise<Shop> {
    const existing = await this.repo.shop(sellerId);
    if (existing && existing.currency !== body.currency && (await this.repo.hasProducts(sellerId))) {
      throw new AppError('invalid_state', `The shop already sells in ${existing.currency}; its currency cannot change`);
    }
    const row = await this.repo.upsertShop({ sellerId, name: body.name, description: body.description, currency: body.currency });
    return this.shopDto(row, await this.person(sellerId), await this.score(sellerId));
  }

  async shopOf(handle: string): Promise<Shop> {
    const owner = await this.ctx.accounts.byHandle(handle);
    const row = await this.repo.shop(owner.id);
    if (!row) throw notFound('Shop');
    return this.shopDto(row, this.ctx.accounts.summary(owner), await this.score(owner.id));
  }

  /** The seller's shop, created with defaults on first use so "add a product" is the first step. */
  async ensureShop(sellerId: string) {
    const row = await this.repo.shop(sellerId);
    if (row) return row;
    const me = await this.ctx.accounts.mustGet(sellerId);
    return this.repo.upsertShop({ sellerId, name: me.displayName, description: '', currency: 'CNY' });
  }

  private shopDto(
    row: { name: string; description: string; currency: string; createdAt: Date },
    seller: UserSummary,
    score: StoreScore | null,
  ): Shop {
    return { seller, name: row.name, description: row.description, currency: row.currency, score, createdAt: row.createdAt.toISOString() };
  }

  // ------------------------------------------------------------ products

  async createProduct(sellerId: string, body: CreateProductBody): Promise<Product> {
    assertUniqueSkus(body.variants.map((v) => v.sku));
    const shop = await this.ensureShop(sellerId);
    const id = newId();
    const now = this.ctx.now();
    await this.ctx.db.transaction(async (tx) => {
      await new ShopRepo(tx).insertProduct(
        {
          id,
          sellerId,
          title: body.title,
          description: body.description,
          currency: shop.currency,
          status: 'draft',
          lowStockThreshold: body.lowStockThreshold,
          createdAt: now,
          updatedAt: now,
        },
        body.variants.map((v) => ({ id: newId(), productId: id, sku: v.sku, options: v.options, price: v.price, stock: v.stock })),
      );
    });
    this.ctx.changed(id);
    return this.product(sellerId, id);
  }

  /** The product as its owner may change it; anyone else gets not_found, so ids cannot be probed. */
  async owned(sellerId: string, productId: string): Promise<ProductRow> {
    const p = await this.repo.product(productId);
    if (!p || p.sellerId !== sellerId) throw notFound('Product');
    return p;
  }

  async updateProduct(sellerId: string, productId: string, body: z.infer<typeof UpdateProductBody>): Promise<Product> {
    const p = await this.owned(sellerId, productId);
    let images = p.images;
    if (body.imageOrder) {
      const byId = new Map(p.images.map((i) => [i.id, i]));
      if (
        body.imageOrder.length !== p.images.length ||
        new Set(body.imageOrder).size !== body.imageOrder.length ||
        !body.imageOrder.every((i) => byId.has(i))
      ) {
        throw new AppError('validation_failed', 'imageOrder must list each of the product’s images exactly once');
      }
      images = body.imageOrder.map((i) => byId.get(i)!);
    }
    await this.repo.updateProduct(productId, {
      ...(body.title !== undefined ? { title: body.title } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.lowStockThreshold !== undefined ? { lowStockThreshold: body.lowStockThreshold } : {}),
      images,
    });
    this.ctx.changed(productId);
    return this.product(sellerId, productId);
  }

  async addVariant(sellerId: string, productId: string, body: NewVariantInput): Promise<Product> {
    await this.owned(sellerId, productId);
    try {
      await this.ctx.db.transaction(async (tx) => {
        await lockFor(tx, 'shop-variants', productId);
        const repo = new ShopRepo(tx);
        if ((await repo.variantsOf([productId])).length >= MAX_VARIANTS)
          throw new AppError('limit_reached', `A product has at most ${MAX_VARIANTS} variants`);
        await repo.insertVariant({ id: newId(), productId, sku: body.sku, options: body.options, price: body.price, stock: body.stock });
      });
    } catch (e) {
      if (pgErrorCode(e) === UNIQUE_VIOLATION) throw new AppError('conflict', `SKU ${body.sku} already exists on this product`);
      throw e;
    }
    await this.repo.updateProduct(productId, {});
    this.ctx.changed(productId);
    return this.product(sellerId, productId);
  }

  async updateVariant(sellerId: string, productId: string, variantId: string, body: z.infer<typeof UpdateVariantBody>): Promise<Product> {
    const p = await this.owned(sellerId, productId);
    const [found] = await this.repo.variantsByIds([variantId]);
    if (!found || found.variant.productId !== productId) throw notFound('Variant');
    const before = found.variant.stock;
    if (body.price !== undefined || body.options !== undefined || body.active !== undefined) {
      await this.repo.updateVariant(variantId, {
        ...(body.price !== undefined ? { price: body.price } : {}),
        ...(body.options !== undefined ? { options: body.options } : {}),
        ...(body.active !== undefined ? { active: body.active } : {}),
      });
    }
    if (body.stockDelta !== undefined && body.stockDelta !== 0) {
      const after = await this.repo.adjustStock(variantId, body.stockDelta);
      if (after === null) throw new AppError('unprocessable', 'Stock cannot go below zero');
      await this.afterStockChange(p, [{ variant: { ...found.variant, stock: after }, before }]);
    }
    await this.repo.updateProduct(productId, {});
    this.ctx.changed(productId);
    return this.product(sellerId, productId);
  }

  async setStatus(sellerId: string, productId: string, status: 'published' | 'unpublished'): Promise<Product> {
    const p = await this.owned(sellerId, productId);
    if (status === 'published') {
      const vs = await this.repo.variantsOf([productId]);
      if (!vs.some((v) => v.active)) throw new AppError('invalid_state', 'Add an active variant before publishing');
    } else if (p.status === 'draft') {
      throw new AppError('invalid_state', 'A draft is not published');
    }
    await this.repo.updateProduct(productId, { status });
    this.ctx.changed(productId);
    return this.product(sellerId, productId);
  }

  /**
   * Moderation: an overturned removal publishes the product again, unless its seller has since left
   * it unsellable (no active variant): it then stays unpublished until the seller fixes it.
   */
  async republishRemoved(productId: string): Promise<void> {
    const p = await this.repo.product(productId);
    if (p?.status !== 'unpublished') return;
    await this.setStatus(p.sellerId, productId, 'published').catch((err: unknown) => {
      if (!(err instanceof AppError && err.code === 'invalid_state')) throw err;
    });
  }

  async addImage(sellerId: string, productId: string, bytes: Buffer): Promise<Product> {
    const p = await this.owned(sellerId, productId);
    if (p.images.length >= MAX_IMAGES) throw new AppError('limit_reached', `A product has at most ${MAX_IMAGES} images`);
    const id = newId();
    const key = `products/${productId}/${id}.webp`;
    const thumbKey = `products/${productId}/${id}-thumb.webp`;
    const { main } = await intakeImage(this.ctx.storage, bytes, productImageSpec(this.ctx.options.maxImageBytes), {
      main: key,
      thumb: thumbKey,
    });
    // The check above spares the image work; this conditional append is what holds the cap under parallel uploads.
    if (!(await this.repo.appendImage(productId, { id, key, thumbKey, width: main.width, height: main.height }, MAX_IMAGES))) {
      await this.ctx.storage.remove(key);
      await this.ctx.storage.remove(thumbKey);
      throw new AppError('limit_reached', `A product has at most ${MAX_IMAGES} images`);
    }
    return this.product(sellerId, productId);
  }

  async removeImage(sellerId: string, productId: string, imageId: string): Promise<Product> {
    const p = await this.owned(sellerId, productId);
    const img = p.images.find((i) => i.id === imageId);
    if (!img) throw notFound('Image');
    await this.repo.removeImage(productId, imageId);
    await this.ctx.storage.remove(img.key);
    await this.ctx.storage.remove(img.thumbKey);
    return this.product(sellerId, productId);
  }

  /** A product page. Drafts and unpublished products are visible to their seller only. */
  async product(viewerId: string | null, productId: string): Promise<Product> {
    const p = await this.repo.product(productId);
    if (!p || (p.status !== 'published' && p.sellerId !== viewerId)) throw notFound('Product');
    const [vs, flash, people, ratings] = await Promise.all([
      this.repo.variantsOf([p.id]),
      this.repo.openFlashSales([p.id], this.ctx.now()),
      this.ctx.accounts.summaries([p.sellerId]),
      this.ratings([p.id]),
    ]);
    const seller = people.get(p.sellerId)!;
    const sale = flash[0] ?? null;
    const now = this.ctx.now();
    const card = productCard(this.ctx.storage, p, vs, seller, sale, now, ratings.get(p.id) ?? null);
    return {
      id: p.id,
      seller,
      title: p.title,
      description: p.description,
      currency: p.currency,
      status: p.status,
      images: p.images.map((i) => imageDto(this.ctx.storage, i)),
      variants: vs.filter((v) => v.active || p.sellerId === viewerId).map((v) => variantDto(v, p.currency)),
      lowStockThreshold: p.lowStockThreshold,
      flashSale: sale ? flashBadge(sale, now) : null,
      card,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
    };
  }

  /** What the search index keeps of these products (any status). */
  async forIndex(ids: string[]): Promise<ProductIndexRow[]> {
    const rows = await this.repo.productsByIds(ids);
    if (rows.length === 0) return [];
    const [vs, sold] = await Promise.all([this.repo.variantsOf(rows.map((r) => r.id)), this.repo.unitsSold(rows.map((r) => r.id))]);
    const active = groupBy(
      vs.filter((v) => v.active),
      (v) => v.productId,
    );
    return rows.map((p) => {
      const mine = active.get(p.id) ?? [];
      return {
        id: p.id,
        sellerId: p.sellerId,
        title: p.title,
        description: p.description,
        published: p.status === 'published' && mine.length > 0,
        price: mine.length ? Math.min(...mine.map((v) => v.price)) : null,
        inStock: mine.some((v) => v.stock > 0),
        sales: sold.get(p.id) ?? 0,
        createdAt: p.createdAt,
      };
    });
  }

  /** Ids in id order after `after`, for rebuilding the search index. */
  productIdsAfter(after: string | null, limit: number): Promise<string[]> {
    return this.repo.productIdsAfter(after, limit);
  }

  /** Products with a flash sale running now ("on sale now"). */
  liveFlashProductIds(): Promise<string[]> {
    return this.repo.liveFlashProductIds(this.ctx.now());
  }

  /** Product cards for any surface, in the order asked; unknown or unpublished ids are left out. */
  async cards(ids: string[]): Promise<ProductCard[]> {
    const rows = (await this.repo.productsByIds([...new Set(ids)])).filter((p) => p.status === 'published');
    return this.cardsFor(rows, ids);
  }

  private async cardsFor(rows: ProductRow[], order?: string[]): Promise<ProductCard[]> {
    if (rows.length === 0) return [];
    const now = this.ctx.now();
    const ids = rows.map((r) => r.id);
    const [vs, flash, people, ratings] = await Promise.all([
      this.repo.variantsOf(ids),
      this.repo.openFlashSales(ids, now),
      this.ctx.accounts.summaries([...new Set(rows.map((r) => r.sellerId))]),
      this.ratings(ids),
    ]);
    const byProduct = groupBy(vs, (v) => v.productId);
    const saleOf = new Map<string, FlashSaleRow>();
    for (const s of flash) if (!saleOf.has(s.productId)) saleOf.set(s.productId, s);
    const cards = new Map(
      rows.flatMap((p) => {
        const seller = people.get(p.sellerId);
        return seller
          ? [
              [
                p.id,
                productCard(
                  this.ctx.storage,
                  p,
                  byProduct.get(p.id) ?? [],
                  seller,
                  saleOf.get(p.id) ?? null,
                  now,
                  ratings.get(p.id) ?? null,
                ),
              ] as const,
            ]
          : [];
      }),
    );
    const sequence = order ?? rows.map((r) => r.id);
    return [...new Set(sequence)].flatMap((id) => {
      const c = cards.get(id);
      return c ? [c] : [];
    });
  }

  /** A seller's published products (the profile showcase), newest first. */
  async sellerProducts(handle: string, cursor: string | undefined, limit: number) {
    const owner = await this.ctx.accounts.byHandle(handle);
    const rows = await this.repo.listProducts(owner.id, ['published'], cursor, limit);
    const page = rows.slice(0, limit);
    return { items: await this.cardsFor(page), nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
  }

  async myProducts(sellerId: string, status: ProductRow['status'] | undefined, cursor: string | undefined, limit: number) {
    const rows = await this.repo.listProducts(sellerId, status ? [status] : null, cursor, limit);
    const page = rows.slice(0, limit);
    return { items: await this.cardsFor(page), nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
  }

  /** The showcase section of a personal card: up to six published products. */
  async sections(owner: UserRow): Promise<CardSection[]> {
    const rows = await this.repo.listProducts(owner.id, ['published'], undefined, 6);
    if (rows.length === 0) return [];
    const [total, score] = await Promise.all([this.repo.countPublished(owner.id), this.score(owner.id)]);
    return [{ kind: 'showcase', products: await this.cardsFor(rows.slice(0, 6)), total, score }];
  }

  async lowStock(sellerId: string): Promise<LowStockItem[]> {
    const rows = await this.repo.lowStock(sellerId);
    return rows.map(({ variant, product }) => ({
      productId: product.id,
      variantId: variant.id,
      title: product.title,
      sku: variant.sku,
      stock: variant.stock,
      threshold: product.lowStockThreshold,
    }));
  }

  /**
   * Called after stock went down: a variant that just crossed its product's threshold warns
   * the seller once (not on every sale below it).
   */
  async afterStockChange(
    p: Pick<ProductRow, 'id' | 'sellerId' | 'title' | 'lowStockThreshold'>,
    changes: { variant: Pick<VariantRow, 'id' | 'sku' | 'stock'>; before: number }[],
  ): Promise<void> {
    for (const c of changes) {
      if (c.before > p.lowStockThreshold && c.variant.stock <= p.lowStockThreshold) {
        await this.ctx.notifications
          .notify(p.sellerId, {
            kind: 'low_stock',
            productId: p.id,
            variantId: c.variant.id,
            title: p.title,
            sku: c.variant.sku,
            stock: c.variant.stock,
          })
          .catch((err: unknown) => this.ctx.log.warn({ err }, 'low-stock notification failed'));
      }
    }
    const total = (await this.repo.variantsOf([p.id])).filter((v) => v.active).reduce((s, v) => s + v.stock, 0);
    this.ctx.changed(p.id);
    this.ctx.events.stock({ kind: 'stock', productId: p.id, flashSaleId: null, stockLeft: total, status: null });
  }

  // ------------------------------------------------------------ touches

  /**
   * Records product-card views and clicks (anonymous views count for the funnel, not for
   * attribution). One viewer's view or click of one product on one kind of surface counts once
   * per window, so scrolling past a card again, or a script, cannot inflate a seller's insights.
   */
  async recordTouches(
    viewer: { userId: string | null; ip: string; userAgent: string },
    body: z.infer<typeof RecordTouchesBody>,
  ): Promise<number> {
    const { userId } = viewer;
    await this.ctx.limits.consume('touchesPerIp', viewer.ip);
    const who = userId ? `u:${userId}` : `a:${createHash('sha256').update(`${viewer.ip}\n${viewer.userAgent}`).digest('base64url')}`;
    const rows = await this.repo.productsByIds([...new Set(body.events.map((e) => e.productId))]);
    const seller = new Map(rows.filter((p) => p.status === 'published').map((p) => [p.id, p.sellerId]));
    const at = this.ctx.now();
    const touches = body.events.flatMap((e) => {
      const sellerId = seller.get(e.productId);
      // A seller looking at their own products is not a customer.
      if (!sellerId || sellerId === userId) return [];
      // The surface is part of the key (where a buyer came from is what attribution is for) but
      // its free-form id is not, or a script could vary it to count again.
      return [
        {
          once: `${who}:${e.kind}:${e.productId}:${e.surface}`,
          id: newId(),
          productId: e.productId,
          sellerId,
          userId,
          kind: e.kind,
          surface: e.surface,
          surfaceId: e.surfaceId ?? null,
          sharedBy: e.sharedBy ?? null,
          at,
        },
      ];
    });
    const fresh: Omit<(typeof touches)[number], 'once'>[] = [];
    for (const { once, ...t } of touches) if (await this.ctx.limits.touchOnce.first(once)) fresh.push(t);
    await this.repo.insertTouches(fresh);
    return fresh.length;
  }

  private async person(id: string): Promise<UserSummary> {
    return this.ctx.accounts.summary(await this.ctx.accounts.mustGet(id));
  }
}

function assertUniqueSkus(skus: string[]): void {
  const seen = new Set<string>();
  for (const s of skus) {
    if (seen.has(s))
      throw new AppError('validation_failed', `SKU ${s} appears twice`, [{ path: 'variants', message: `duplicate SKU ${s}` }]);
    seen.add(s);
  }
}

export function groupBy<T, K>(xs: readonly T[], key: (x: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
}
