import * as api from '@tremolo/protocol/api';
import { screen } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { me, product, session, shop, uuid } from '../../../test/fixtures.ts';
import { refuse } from '../../../test/server.ts';
import { fakeServer, renderScreen } from '../../../test/render.tsx';
import { NewProductPage } from './Products.tsx';

function sellerServer() {
  return fakeServer()
    .on(api.accounts.session, () => session(me()))
    .on(api.shop.shopOf, () => shop());
}

const at = { path: '/shop/seller/products/new', route: '/shop/seller/products/new' };

async function fillVariant(user: ReturnType<typeof renderScreen>['user'], v: { sku: string; options: string; price: string }) {
  await user.type(screen.getByLabelText('SKU'), v.sku);
  if (v.options) await user.type(screen.getByLabelText('Options'), v.options);
  await user.type(screen.getByLabelText('Price (CNY)'), v.price);
}

describe('new product (seller)', () => {
  test('a bad SKU, price and options are each explained under their field, and nothing is created', async () => {
    const server = sellerServer();
    const { user } = renderScreen(<NewProductPage />, at);

    await user.type(await screen.findByLabelText('Title'), 'Velvet lipstick');
    await fillVariant(user, { sku: 'LIP 01!', options: 'colour red', price: 'free' });
    await user.click(screen.getByRole('button', { name: 'Create draft' }));

    expect(screen.getByLabelText('SKU')).toHaveAccessibleDescription('Letters, digits and _.-/ only');
    expect(screen.getByLabelText('Price (CNY)')).toHaveAccessibleDescription('Enter a price such as 99 or 99.90');
    expect(screen.getByLabelText('Options')).toHaveAccessibleDescription('Write options as name=value, separated by commas (at most 4)');
    expect(screen.getByLabelText('Stock')).toBeValid();
    expect(server.callsTo(api.shop.createProduct)).toHaveLength(0);
  });

  test('a valid draft is created in minor units with its options, and the editor opens', async () => {
    const server = sellerServer().on(api.shop.createProduct, ({ body }) => product(90, { title: body.title }));
    const { user } = renderScreen(<NewProductPage />, at);

    await user.type(await screen.findByLabelText('Title'), 'Velvet lipstick');
    await fillVariant(user, { sku: 'LIP-01', options: 'colour=red, size=3g', price: '99.90' });
    await user.click(screen.getByRole('button', { name: 'Create draft' }));

    expect(await screen.findByTestId('landed')).toHaveTextContent(`/shop/seller/products/${uuid(90)}`);
    expect(server.callsTo(api.shop.createProduct).map((c) => c.body)).toEqual([
      {
        title: 'Velvet lipstick',
        description: '',
        lowStockThreshold: 5,
        variants: [{ sku: 'LIP-01', options: { colour: 'red', size: '3g' }, price: 9990, stock: 10 }],
      },
    ]);
  });

  test('a duplicate SKU refused by the server is shown on the form', async () => {
    sellerServer().on(api.shop.createProduct, () => refuse(409, 'conflict', 'SKU LIP-01 is already used in your shop'));
    const { user } = renderScreen(<NewProductPage />, at);

    await user.type(await screen.findByLabelText('Title'), 'Velvet lipstick');
    await fillVariant(user, { sku: 'LIP-01', options: '', price: '99' });
    await user.click(screen.getByRole('button', { name: 'Create draft' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('SKU LIP-01 is already used in your shop');
    expect(screen.getByRole('button', { name: 'Create draft' })).toBeEnabled();
    expect(screen.queryByTestId('landed')).not.toBeInTheDocument();
  });
});
