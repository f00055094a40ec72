import * as api from '@tremolo/protocol/api';
import { screen } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { me, room, session, uuid } from '../../test/fixtures.ts';
import { refuse } from '../../test/server.ts';
import { fakeServer, renderScreen } from '../../test/render.tsx';
import { NewRoom } from './NewRoom.tsx';

function openRoomsServer() {
  return fakeServer()
    .on(api.accounts.session, () => session(me()))
    .on(api.groups.ofCreator, () => ({ items: [] }))
    .on(api.videos.byAuthor, () => ({ items: [], nextCursor: null }));
}

const at = { path: '/rooms/new', route: '/rooms/new' };

describe('new room', () => {
  test('without a title the form asks for one and opens nothing', async () => {
    const server = openRoomsServer();
    const { user } = renderScreen(<NewRoom />, at);

    await user.click(await screen.findByRole('button', { name: 'Go live' }));

    expect(screen.getByLabelText('Title')).toHaveAccessibleDescription('Give the room a title');
    expect(server.callsTo(api.rooms.create)).toHaveLength(0);
  });

  test('a time in the past cannot be scheduled', async () => {
    const server = openRoomsServer();
    const { user } = renderScreen(<NewRoom />, at);

    await user.type(await screen.findByLabelText('Title'), 'Sunday swatches');
    await user.click(screen.getByRole('radio', { name: 'Later' }));
    await user.type(screen.getByLabelText('When'), '2020-01-01T10:00');
    await user.click(screen.getByRole('button', { name: 'Schedule' }));

    expect(screen.getByRole('alert')).toHaveTextContent('Pick a time in the future (within 30 days)');
    expect(server.callsTo(api.rooms.create)).toHaveLength(0);
  });

  test('going live opens the room for followers and goes to it', async () => {
    const server = openRoomsServer().on(api.rooms.create, ({ body }) => room(80, body.title, undefined, { audience: body.audience }));
    const { user } = renderScreen(<NewRoom />, at);

    await user.type(await screen.findByLabelText('Title'), '  Sunday swatches ');
    await user.click(screen.getByRole('radio', { name: 'My followers' }));
    await user.click(screen.getByRole('button', { name: 'Go live' }));

    expect(await screen.findByTestId('landed')).toHaveTextContent(`/r/${uuid(80)}`);
    expect(server.callsTo(api.rooms.create).map((c) => c.body)).toEqual([{ title: 'Sunday swatches', audience: 'followers' }]);
  });

  test('a refusal is shown and the person can try again', async () => {
    openRoomsServer().on(api.rooms.create, () => refuse(429, 'rate_limited', 'Too many new rooms; try again in 3600 s'));
    const { user } = renderScreen(<NewRoom />, at);

    await user.type(await screen.findByLabelText('Title'), 'Sunday swatches');
    await user.click(screen.getByRole('button', { name: 'Go live' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Too many new rooms; try again in 3600 s');
    expect(screen.getByRole('button', { name: 'Go live' })).toBeEnabled();
    expect(screen.queryByTestId('landed')).not.toBeInTheDocument();
  });
});
