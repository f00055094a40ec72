import assert from 'node:assert/strict';
import { api, type Address, type BodyOf, type FlashSale, type Product } from '@tremolo/protocol';
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
