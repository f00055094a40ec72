import assert from 'node:assert/strict';
import sharp from 'sharp';
import { api, type Address, type BodyOf, type FlashSale, type Order, type Product } from '@tremolo/protocol';
import { TestUser, type TestApp } from '../../test/harness.ts';

/** Shared set-up for the shop's integration tests: a seller with a published product, buyers with addresses. */

let n = 0;
export const uniq = (prefix: string) => `${prefix}_${(++n).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
export const key = (prefix = 'k') => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
const CARD_OK = '4242 4242 4242 4242';

export async function seller(t: TestApp, handle = uniq('seller')): Promise<TestUser> {
  const u = await TestUser.signup(t, handle);
  const r = await u.invoke(api.shop.upsertShop, { body: { name: `${handle} shop`, currency: 'CNY' } });
  assert.equal(r.status, 200, JSON.stringify(r.error));
  return u;
}

export async function product(
  s: TestUser,
  variants: { sku: string; price: number; stock: number; options?: Record<string, string> }[] = [
    { sku: 'TEE-M', price: 9900, stock: 10, options: { size: 'M' } },
  ],
  publish = true,
): Promise<Product> {
  const r = await s.invoke(api.shop.createProduct, { body: { title: 'Tee', description: 'A shirt', variants } });
  assert.equal(r.status, 201, JSON.stringify(r.error));
  if (!publish) return r.body;
  const p = await s.invoke(api.shop.publishProduct, { params: { id: r.body.id } });
  assert.equal(p.status, 200, JSON.stringify(p.error));
  return p.body;
}

export async function buyer(t: TestApp, handle = uniq('buyer')): Promise<{ user: TestUser; address: Address }> {
  const user = await TestUser.signup(t, handle);
  const r = await user.invoke(api.shop.addAddress, {
    body: { name: 'Ana', phone: '+86 138 0000 0000', line1: '1 Road', city: 'Shanghai' },
  });
  assert.equal(r.status, 201, JSON.stringify(r.error));
  return { user, address: r.body };
}

export async function buyNow(
  b: { user: TestUser; address: Address },
  sellerId: string,
  variantId: string,
  quantity = 1,
  extra: Partial<BodyOf<typeof api.shop.checkout>> = {},
) {
  return b.user.invoke(api.shop.checkout, {
    body: { sellerId, items: [{ variantId, quantity }], addressId: b.address.id, idempotencyKey: key('co'), ...extra },
  });
}

/** A checkout with fields the contract does not allow, to show the server refuses them. */
export async function buyOffContract(
  b: { user: TestUser; address: Address },
  sellerId: string,
  variantId: string,
  extra: Record<string, unknown>,
) {
  return b.user.call<{ error: { code: string } }>('POST', api.shop.checkout.path, {
    sellerId,
    items: [{ variantId, quantity: 1 }],
    addressId: b.address.id,
    idempotencyKey: key('co'),
    ...extra,
  });
}

export async function pay(u: TestUser, orderId: string, number = CARD_OK, k = key('pay')) {
  return u.invoke(api.shop.pay, { params: { id: orderId }, body: { paymentMethod: { type: 'card', number }, idempotencyKey: k } });
}

export async function flashSale(
  s: TestUser,
  variantId: string,
  stock: number,
  opts: { price?: number; perUserLimit?: number; startsInMs?: number; paymentWindowSec?: number } = {},
): Promise<FlashSale> {
  const start = Date.now() + (opts.startsInMs ?? 0);
  const r = await s.invoke(api.shop.createFlashSale, {
    body: {
      variantId,
      price: opts.price ?? 100,
      stock,
      perUserLimit: opts.perUserLimit ?? 1,
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + 3600_000).toISOString(),
      paymentWindowSec: opts.paymentWindowSec ?? 600,
    },
  });
  assert.equal(r.status, 201, JSON.stringify(r.error));
  return r.body;
}

export async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 8000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A square PNG of `side` pixels in one colour. */
export async function png(side = 300, colour = '#c84'): Promise<Buffer> {
  return sharp({ create: { width: side, height: side, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

/** Uploads `bytes` as the multipart field "file" (review and after-sales photos). */
export async function upload<T>(
  t: TestApp,
  u: TestUser,
  url: string,
  bytes: Buffer,
  type = 'image/png',
): Promise<{ status: number; body: T & { error?: { code: string } } }> {
  const boundary = '----upload' + Math.random().toString(16).slice(2);
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.png"\r\nContent-Type: ${type}\r\n\r\n`,
  );
  const r = await t.app.http.inject({
    method: 'POST',
    url,
    headers: { cookie: u.cookie, 'x-csrf-token': u.csrf, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([head, bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
  });
  return { status: r.statusCode, body: JSON.parse(r.body) as T & { error?: { code: string } } };
}

/** Checks out `items` from the seller, pays, and (unless told otherwise) ships and confirms receipt. */
export async function order(
  b: Awaited<ReturnType<typeof buyer>>,
  s: TestUser,
  items: { variantId: string; quantity: number }[],
  until: 'paid' | 'shipped' | 'delivered' = 'delivered',
): Promise<Order> {
  const co = await b.user.invoke(api.shop.checkout, {
    body: { sellerId: s.id, items, addressId: b.address.id, idempotencyKey: key('co') },
  });
  assert.equal(co.status, 201, JSON.stringify(co.error));
  const paid = await pay(b.user, co.body.id);
  assert.equal(paid.status, 200, JSON.stringify(paid.error));
  if (until === 'paid') return paid.body.order;
  const shipped = await s.invoke(api.shop.shipOrder, { params: { id: co.body.id }, body: { carrier: 'SF', trackingNumber: 'SF1234567' } });
  assert.equal(shipped.status, 200, JSON.stringify(shipped.error));
  if (until === 'shipped') return shipped.body;
  const got = await b.user.invoke(api.shop.receiveOrder, { params: { id: co.body.id } });
  assert.equal(got.status, 200, JSON.stringify(got.error));
  return got.body;
}
