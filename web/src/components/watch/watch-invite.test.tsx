import * as api from '@tremolo/protocol/api';
import type { WatchParty } from '@tremolo/protocol';
import { screen } from '@testing-library/react';
import { afterEach, describe, expect, test } from 'vitest';
import { me, person, session, uuid, video } from '../../test/fixtures.ts';
import { refuse } from '../../test/server.ts';
import { fakeServer, renderScreen } from '../../test/render.tsx';
import { InviteFriendsSheet } from './InviteFriendsSheet.tsx';
import { WatchInviteCard } from './WatchInviteCard.tsx';

const AT = '2026-05-01T10:00:00.000Z';
const mia = person(5, 'mia_fan', 'Mia');

function party(over: Partial<WatchParty> = {}): WatchParty {
  const v = video(31, { caption: 'Sunset by the sea' });
  return {
    id: uuid(70),
    host: mia,
    controlMode: 'everyone',
    members: [{ user: mia, role: 'host', joinedAt: AT }],
    playlist: [v.id],
    ended: false,
    state: { videoId: v.id, playing: true, rate: 1, positionMs: 0, atServerMs: 0, version: 1, waiting: false },
    videos: [v],
    channel: `watch:${uuid(70)}`,
    link: `/w/${uuid(70)}`,
    serverTime: 0,
    me: { joined: false, role: null, canControl: false },
    ...over,
  };
}

afterEach(() => localStorage.clear());

describe('watch invitation card', () => {
  test('shows who invites, what plays and how many watch; Join opens the party', async () => {
    fakeServer()
      .on(api.accounts.session, () => session(me()))
      .on(api.watch.get, () => party());
    const { user } = renderScreen(<WatchInviteCard id={uuid(70)} />, { path: '/dm/mia_fan', route: '/dm/:handle' });
    expect(await screen.findByText('Mia invites you to watch together')).toBeInTheDocument();
    expect(screen.getByText('Sunset by the sea')).toBeInTheDocument();
    expect(screen.getByText('1 watching')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Join' })).toHaveAttribute('href', `/w/${uuid(70)}`);
    await user.click(screen.getByRole('link', { name: 'Join' }));
    expect(await screen.findByTestId('landed')).toHaveTextContent(`/w/${uuid(70)}`);
  });

  test('in Chinese; an ended party offers no Join', async () => {
    localStorage.setItem('tremolo.lang', 'zh-CN');
    fakeServer()
      .on(api.accounts.session, () => session(me()))
      .on(api.watch.get, () => party({ ended: true }));
    renderScreen(<WatchInviteCard id={uuid(70)} />);
    expect(await screen.findByText('Mia 邀你一起看')).toBeInTheDocument();
    expect(screen.getByText('这场一起看已结束')).toBeInTheDocument();
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
  });

  test('the host sees their own invitation as their party, with Open', async () => {
    fakeServer()
      .on(api.accounts.session, () => session(me({ id: mia.id, handle: mia.handle, displayName: mia.displayName })))
      .on(api.watch.get, () => party({ me: { joined: true, role: 'host', canControl: true } }));
    renderScreen(<WatchInviteCard id={uuid(70)} />);
    expect(await screen.findByText('Your watch party')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open' })).toBeInTheDocument();
  });

  test('a party the server will not show says so instead of a label', async () => {
    fakeServer()
      .on(api.accounts.session, () => session(me()))
      .on(api.watch.get, () => refuse(404, 'not_found', 'No such party'));
    renderScreen(<WatchInviteCard id={uuid(70)} />);
    expect(await screen.findByTestId('watch-invite-gone')).toHaveTextContent('This party is not available');
  });
});

describe('invite friends sheet', () => {
  test('lists my friends who are not in the party yet', async () => {
    fakeServer()
      .on(api.accounts.session, () => session(me()))
      .on(api.graph.friends, () => ({
        items: [
          { ...mia, friends: true },
          { ...person(2, 'leo_fan', 'Leo'), friends: true },
        ],
        nextCursor: null,
      }));
    renderScreen(<InviteFriendsSheet partyId={uuid(70)} memberIds={[mia.id]} onClose={() => undefined} />);
    expect(await screen.findByText('Leo')).toBeInTheDocument();
    expect(screen.queryByText('Mia')).not.toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: 'Invite' })).toHaveLength(1);
  });

  test('when every friend is already in the party it says so', async () => {
    fakeServer()
      .on(api.accounts.session, () => session(me()))
      .on(api.graph.friends, () => ({ items: [{ ...mia, friends: true }], nextCursor: null }));
    renderScreen(<InviteFriendsSheet partyId={uuid(70)} memberIds={[mia.id]} onClose={() => undefined} />);
    expect(await screen.findByText('All your friends are already here.')).toBeInTheDocument();
  });

  test('with no friends it says how to get some (Chinese)', async () => {
    localStorage.setItem('tremolo.lang', 'zh-CN');
    fakeServer()
      .on(api.accounts.session, () => session(me()))
      .on(api.graph.friends, () => ({ items: [], nextCursor: null }));
    renderScreen(<InviteFriendsSheet partyId={uuid(70)} memberIds={[]} onClose={() => undefined} />);
    expect(await screen.findByText('还没有可邀请的好友：互相关注即成为好友。')).toBeInTheDocument();
  });

  test('an invitation the DM thread refuses shows the reason and can be tried again', async () => {
    fakeServer()
      .on(api.accounts.session, () => session(me()))
      .on(api.graph.friends, () => ({ items: [{ ...person(2, 'leo_fan', 'Leo'), friends: true }], nextCursor: null }))
      .on(api.dms.get, () => refuse(403, 'blocked', 'You cannot message this person'));
    const { user } = renderScreen(<InviteFriendsSheet partyId={uuid(70)} memberIds={[]} onClose={() => undefined} />);
    await user.click(await screen.findByRole('button', { name: 'Invite' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('You cannot message this person');
    expect(screen.getByRole('button', { name: 'Try again' })).toBeEnabled();
  });
});
