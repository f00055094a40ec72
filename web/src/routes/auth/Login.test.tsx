import * as api from '@tremolo/protocol/api';
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { me, session } from '../../test/fixtures.ts';
import { refuse } from '../../test/server.ts';
import { fakeServer, renderApp } from '../../test/render.tsx';

describe('log in', () => {
  test('wrong password: the server says so under the form, and the person stays on it', async () => {
    const server = fakeServer()
      .on(api.accounts.session, () => refuse(401, 'unauthenticated', 'Log in first'))
      .on(api.accounts.login, () => refuse(401, 'invalid_credentials', 'Wrong handle or password'));
    const { user } = renderApp('/login');

    await user.type(await screen.findByLabelText('Handle'), 'mia_fan');
    await user.type(screen.getByLabelText('Password'), 'not my password');
    await user.click(screen.getByRole('button', { name: 'Log in' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong handle or password');
    expect(screen.getByLabelText('Password')).toHaveValue('not my password');
    expect(server.callsTo(api.accounts.login).map((c) => c.body)).toEqual([{ handle: 'mia_fan', password: 'not my password' }]);
  });

  test('the handle is sent as typed by habit (@, capitals) in its canonical form, and success goes where the person was headed', async () => {
    const mia = me({ displayName: 'Mia Chen', bio: 'Skincare notes' });
    const server = fakeServer()
      .on(api.accounts.session, () => refuse(401, 'unauthenticated', 'Log in first'))
      .on(api.accounts.login, ({ body }) =>
        body.handle === 'mia_fan' && body.password === 'correct horse battery'
          ? session(mia)
          : refuse(401, 'invalid_credentials', 'Wrong handle or password'),
      );
    const { user } = renderApp('/me/edit');

    // The profile editor needs a login: the app asks for it first, then comes back.
    await user.type(await screen.findByLabelText('Handle'), '@Mia_Fan ');
    await user.type(screen.getByLabelText('Password'), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Log in' }));

    expect(await screen.findByRole('heading', { name: 'Edit profile' })).toBeInTheDocument();
    expect(screen.getByLabelText('Display name')).toHaveValue('Mia Chen');
    await waitFor(() => expect(window.location.pathname).toBe('/me/edit'));
    expect(server.callsTo(api.accounts.login)).toHaveLength(1);
  });

  test('the button stays off until both handle and password are filled', async () => {
    const server = fakeServer().on(api.accounts.session, () => refuse(401, 'unauthenticated', 'Log in first'));
    const { user } = renderApp('/login');

    const button = await screen.findByRole('button', { name: 'Log in' });
    expect(button).toBeDisabled();
    await user.type(screen.getByLabelText('Handle'), 'mia_fan');
    expect(button).toBeDisabled();
    await user.type(screen.getByLabelText('Password'), 'x');
    expect(button).toBeEnabled();
    expect(server.callsTo(api.accounts.login)).toHaveLength(0);
  });
});
