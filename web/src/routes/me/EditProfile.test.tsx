import * as api from '@tremolo/protocol/api';
import { screen, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { me, session } from '../../test/fixtures.ts';
import { refuse } from '../../test/server.ts';
import { fakeServer, renderApp } from '../../test/render.tsx';

describe('edit profile', () => {
  test('a link without a label or a web address is pointed out, and nothing is saved', async () => {
    const server = fakeServer().on(api.accounts.session, () => session(me()));
    const { user } = renderApp('/me/edit');

    await user.click(await screen.findByRole('button', { name: '+ Add link' }));
    await user.type(screen.getByRole('textbox', { name: 'Web address' }), 'instagram.com/mia');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    const row = screen.getByTestId('profile-link');
    expect(within(row).getByText('Give each link a label')).toBeInTheDocument();
    expect(within(row).getByRole('textbox', { name: 'Label' })).toBeInvalid();
    expect(server.callsTo(api.accounts.updateMe)).toHaveLength(0);
  });

  test('saving sends the edited profile and says it is saved; my page shows the new name and bio', async () => {
    const server = fakeServer()
      .on(api.accounts.session, () => session(me({ displayName: 'Mia', bio: '' })))
      .on(api.accounts.updateMe, ({ body }) => me({ displayName: body.displayName, bio: body.bio, links: body.links }));
    const { user } = renderApp('/me/edit');

    const name = await screen.findByLabelText('Display name');
    await user.clear(name);
    await user.type(name, 'Mia Chen ');
    await user.type(screen.getByLabelText('Bio'), 'Skincare, honestly');
    await user.click(screen.getByRole('button', { name: '+ Add link' }));
    await user.type(screen.getByRole('textbox', { name: 'Label' }), 'Blog');
    await user.type(screen.getByRole('textbox', { name: 'Web address' }), 'https://mia.example/blog');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByRole('status')).toHaveTextContent('Profile saved');
    expect(server.callsTo(api.accounts.updateMe).map((c) => c.body)).toEqual([
      { displayName: 'Mia Chen', bio: 'Skincare, honestly', links: [{ label: 'Blog', url: 'https://mia.example/blog' }] },
    ]);
    // Without asking the server again: the saved profile is the session's.
    await user.click(screen.getByRole('link', { name: '‹ Back' }));
    expect(await screen.findByRole('heading', { name: 'Mia Chen' })).toBeInTheDocument();
    expect(screen.getByText('Skincare, honestly')).toBeInTheDocument();
    expect(server.callsTo(api.accounts.session)).toHaveLength(1);
  });

  test('a refusal from the server is shown and the edits stay', async () => {
    fakeServer()
      .on(api.accounts.session, () => session(me()))
      .on(api.accounts.updateMe, () => refuse(429, 'rate_limited', 'Too many profile edits; try again in 30 s'));
    const { user } = renderApp('/me/edit');

    await user.type(await screen.findByLabelText('Bio'), 'New bio');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Too many profile edits; try again in 30 s');
    expect(screen.queryByText('Profile saved')).not.toBeInTheDocument();
    expect(screen.getByLabelText('Bio')).toHaveValue('New bio');
  });

  test('leaving search: unticking "find me in search" sends that setting', async () => {
    const server = fakeServer()
      .on(api.accounts.session, () => session(me()))
      .on(api.accounts.updateMe, ({ body }) => me({ discoverable: body.discoverable ?? true }));
    const { user } = renderApp('/me/edit');

    const box = await screen.findByRole('checkbox', { name: /Let people find me in search/ });
    expect(box).toBeChecked();
    await user.click(box);
    await user.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByRole('status')).toHaveTextContent('Profile saved');
    expect(server.callsTo(api.accounts.updateMe).map((c) => (c.body as { discoverable?: boolean }).discoverable)).toEqual([false]);
  });
});
