import { useState } from 'react';
import * as api from '@tremolo/protocol/api';
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { address, me, session, uuid } from '../../test/fixtures.ts';
import { refuse } from '../../test/server.ts';
import { fakeServer, renderScreen } from '../../test/render.tsx';
import { AddressPicker } from './AddressPicker.tsx';

/** The checkout keeps the chosen address; this shows it the way the order would be placed. */
function Checkout() {
  const [chosen, setChosen] = useState<string | null>(null);
  return (
    <>
      <AddressPicker value={chosen} onChange={setChosen} />
      <output data-testid="chosen">{chosen ?? 'none'}</output>
    </>
  );
}

async function fillAddress(user: ReturnType<typeof renderScreen>['user'], phone: string) {
  await user.type(await screen.findByLabelText('Recipient'), 'Mia Chen');
  await user.type(screen.getByLabelText('Phone'), phone);
  await user.type(screen.getByLabelText('Address'), '1 Century Avenue');
  await user.type(screen.getByLabelText('City'), 'Shanghai');
  await user.click(screen.getByRole('button', { name: 'Save address' }));
}

describe('checkout address', () => {
  test('a first address is added right at checkout and becomes the one the order ships to', async () => {
    const server = fakeServer()
      .on(api.accounts.session, () => session(me()))
      .on(api.shop.addresses, () => ({ items: [] }))
      .on(api.shop.addAddress, ({ body }) => address(70, { ...body, line2: '', region: '', country: 'CN' }));
    const { user } = renderScreen(<Checkout />);

    await fillAddress(user, '13800000000');

    const option = await screen.findByRole('radio', { name: /Mia Chen 13800000000/ });
    expect(option).toBeChecked();
    expect(screen.getByText('1 Century Avenue, Shanghai, CN')).toBeInTheDocument();
    expect(screen.getByTestId('chosen')).toHaveTextContent(uuid(70));
    expect(screen.queryByRole('button', { name: 'Save address' })).not.toBeInTheDocument();
    expect(server.callsTo(api.shop.addAddress).map((c) => c.body)).toEqual([
      { name: 'Mia Chen', phone: '13800000000', line1: '1 Century Avenue', city: 'Shanghai', postalCode: '', isDefault: true },
    ]);
  });

  test('the server’s word on a field shows under that field, and no address is chosen', async () => {
    const server = fakeServer()
      .on(api.accounts.session, () => session(me()))
      .on(api.shop.addresses, () => ({ items: [] }))
      .on(api.shop.addAddress, () => refuse(500, 'internal', 'an invalid address must not get this far'));
    const { user } = renderScreen(<Checkout />);

    // The form leaves the phone's format to the server's validation, which names the field.
    await fillAddress(user, '12');

    await waitFor(() => expect(screen.getByLabelText('Phone')).toHaveAccessibleDescription(/expected string to have >=5 characters/));
    expect(screen.getByRole('alert')).toHaveTextContent(/^Invalid body: phone/);
    expect(server.callsTo(api.shop.addAddress)).toHaveLength(1);
    expect(screen.getByLabelText('City')).toBeValid();
    expect(screen.getByTestId('chosen')).toHaveTextContent('none');
  });

  test('with saved addresses the default is picked, and another can be chosen', async () => {
    fakeServer()
      .on(api.accounts.session, () => session(me()))
      .on(api.shop.addresses, () => ({
        items: [address(71, { name: 'Home' }), address(72, { name: 'Office', isDefault: false, line1: '8 Nanjing Road' })],
      }));
    const { user } = renderScreen(<Checkout />);

    expect(await screen.findByRole('radio', { name: /Home/ })).toBeChecked();
    expect(screen.getByTestId('chosen')).toHaveTextContent(uuid(71));
    await user.click(screen.getByRole('radio', { name: /Office/ }));
    expect(screen.getByRole('radio', { name: /Office/ })).toBeChecked();
    expect(screen.getByTestId('chosen')).toHaveTextContent(uuid(72));
  });
});
