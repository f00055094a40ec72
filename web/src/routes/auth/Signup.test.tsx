import * as api from '@tremolo/protocol/api';
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { me, session } from '../../test/fixtures.ts';
import { refuse } from '../../test/server.ts';
import { fakeServer, renderApp } from '../../test/render.tsx';

describe('sign up', () => {
  test('a short handle and password are explained under their fields, and nothing is sent', async () => {
    const server = fakeServer().on(api.accounts.session, () => refuse(401, 'unauthenticated', 'Log in first'));
    const { user } = renderApp('/signup');

    await user.type(await screen.findByLabelText('Handle'), 'mi');
    await user.type(screen.getByLabelText('Display name'), 'Mia');
    await user.type(screen.getByLabelText('Password'), 'short');
    await user.click(screen.getByRole('button', { name: 'Sign up' }));

    expect(screen.getByLabelText('Handle')).toHaveAccessibleDescription('A handle has 3 to 24 characters');
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('At least 8 characters');
    expect(screen.getByLabelText('Display name')).toBeValid();
    expect(server.callsTo(api.accounts.signup)).toHaveLength(0);
  });

  test('a taken handle: the server’s answer is shown and the form keeps what was typed', async () => {
    fakeServer()
      .on(api.accounts.session, () => refuse(401, 'unauthenticated', 'Log in first'))
      .on(api.accounts.signup, () => refuse(409, 'handle_taken', 'That handle is taken'));
    const { user } = renderApp('/signup');

    await user.type(await screen.findByLabelText('Handle'), 'lina_beauty');
    await user.type(screen.getByLabelText('Display name'), 'Lina');
    await user.type(screen.getByLabelText('Password'), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Sign up' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('That handle is taken');
    expect(screen.getByLabelText('Handle')).toHaveValue('lina_beauty');
    expect(screen.getByRole('button', { name: 'Sign up' })).toBeEnabled();
  });

  test('a new account is signed in and goes on to where the person was headed, its name trimmed', async () => {
    const server = fakeServer()
      .on(api.accounts.session, () => refuse(401, 'unauthenticated', 'Log in first'))
      .on(api.accounts.signup, ({ body }) => session(me({ handle: body.handle, displayName: body.displayName })));
    const { user } = renderApp('/signup?next=%2Fme%2Fedit');

    await user.type(await screen.findByLabelText('Handle'), 'New Fan');
    await user.type(screen.getByLabelText('Display name'), '  New Fan  ');
    await user.type(screen.getByLabelText('Password'), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Sign up' }));

    expect(await screen.findByRole('heading', { name: 'Edit profile' })).toBeInTheDocument();
    expect(screen.getByLabelText('Display name')).toHaveValue('New Fan');
    await waitFor(() => expect(window.location.pathname).toBe('/me/edit'));
    // Typing a space or a capital in a handle is corrected as the person types.
    expect(server.callsTo(api.accounts.signup).map((c) => c.body)).toEqual([
      { handle: 'newfan', displayName: 'New Fan', password: 'correct horse battery' },
    ]);
  });
});
