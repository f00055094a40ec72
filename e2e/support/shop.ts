import { PNG } from 'pngjs';
import { apiSignup, type ApiPerson } from './api.ts';
import { apiCall } from './room.ts';

/** Shop set-up for end-to-end stories: photos made on the spot, orders placed through the API. */

/** A 320×320 PNG in two colours: a real photo for the upload, made here. */
export function photo(r: number, g: number, b: number): Buffer {
  const png = new PNG({ width: 320, height: 320 });
  for (let y = 0; y < 320; y++) {
    for (let x = 0; x < 320; x++) {
      const i = (y * 320 + x) * 4;
      const stripe = Math.floor(x / 40) % 2 === 0;
      png.data[i] = stripe ? r : 250;
      png.data[i + 1] = stripe ? g : 240;
      png.data[i + 2] = stripe ? b : 230;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

export interface Id {
  id: string;
}

/** Mia's tea shop with one product (oolong, 20 in stock at ¥68), not yet published: a story adds photos first if it wants. */
export async function teaShop(base: string): Promise<{ seller: ApiPerson; sellerId: string; product: Id & { variants: Id[] } }> {
  const seller = await apiSignup(base, 'mia_tea', 'Mia Tea');
  const me = (await apiCall(base, seller, 'GET', '/api/v1/me')) as Id;
  await apiCall(base, seller, 'PUT', '/api/v1/shop', { name: 'Mia’s Tea House', description: 'Loose-leaf tea', currency: 'CNY' });
  const product = (await apiCall(base, seller, 'POST', '/api/v1/shop/products', {
    title: 'Oolong Tea 100 g',
    description: 'Roasted oolong from Fujian',
    variants: [{ sku: 'OOLONG-100', price: 6800, stock: 20, options: { size: '100 g' } }],
  })) as Id & { variants: Id[] };
  return { seller, sellerId: me.id, product };
}

/** A buyer with an address and an order (of `quantity` units) from the seller's product, paid and shipped through the API. */
export async function shippedOrder(
  base: string,
  seller: ApiPerson,
  buyer: ApiPerson,
  sellerId: string,
  variantId: string,
  quantity = 1,
): Promise<string> {
  const address = (await apiCall(base, buyer, 'POST', '/api/v1/shop/addresses', {
    name: 'Ana',
    phone: '+86 138 0000 0000',
    line1: '1 Huaihai Road',
    city: 'Shanghai',
  })) as Id;
  const order = (await apiCall(base, buyer, 'POST', '/api/v1/shop/checkout', {
    sellerId,
    items: [{ variantId, quantity }],
    addressId: address.id,
    idempotencyKey: `co-${Math.random().toString(36).slice(2, 12)}`,
  })) as Id;
  await apiCall(base, buyer, 'POST', `/api/v1/shop/orders/${order.id}/pay`, {
    paymentMethod: { type: 'card', number: '4242 4242 4242 4242' },
    idempotencyKey: `pay-${Math.random().toString(36).slice(2, 12)}`,
  });
  await apiCall(base, seller, 'POST', `/api/v1/shop/orders/${order.id}/ship`, { carrier: 'SF Express', trackingNumber: 'SF1234567890' });
  return order.id;
}
