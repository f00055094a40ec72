import * as api from '@tremolo/protocol/api';
import { screen } from '@testing-library/react';
import { describe, expect, test, vi } from 'vitest';
import { me, productCard, session, uuid, video } from '../../test/fixtures.ts';
import { refuse } from '../../test/server.ts';
import { fakeServer, renderScreen } from '../../test/render.tsx';
import { PublishError } from '../../lib/realtime.ts';
import { ShareSheet } from './ShareSheet.tsx';

describe('share sheet', () => {
  test('shows the chat’s people’s products and ready videos; picking one shares it with the note', async () => {
    fakeServer()
      .on(api.accounts.session, () => session(me()))
      .on(api.shop.sellerProducts, ({ params }) =>
        params.handle === 'lina_beauty'
          ? { items: [productCard(30, 'Velvet lipstick')], nextCursor: null }
          : refuse(404, 'not_found', 'No shop'),
      )
      .on(api.videos.byAuthor, ({ params }) => ({
        items:
          params.handle === 'lina_beauty'
            ? [video(31, { caption: 'Swatches' }), video(32, { caption: 'Still processing', status: 'processing' })]
            : [],
        nextCursor: null,
      }));
    const onShare = vi.fn();
    const onClose = vi.fn();
    const { user } = renderScreen(<ShareSheet handles={['lina_beauty', 'mia_fan']} onShare={onShare} onClose={onClose} />);

    expect(await screen.findByRole('button', { name: /Velvet lipstick/ })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Swatches/ })).toBeInTheDocument();
    expect(screen.queryByText('Still processing')).not.toBeInTheDocument();

    await user.type(screen.getByPlaceholderText('Add a note (optional)'), ' look at this ');
    await user.click(screen.getByRole('button', { name: /Velvet lipstick/ }));

    expect(onShare).toHaveBeenCalledExactlyOnceWith({ type: 'product', id: uuid(30) }, 'look at this');
    expect(onClose).toHaveBeenCalledOnce();
  });

  test('a pasted link that is not a product, video or watch party is refused; a video link is shared', async () => {
    fakeServer()
      .on(api.accounts.session, () => session(me()))
      .on(api.shop.sellerProducts, () => ({ items: [], nextCursor: null }))
      .on(api.videos.byAuthor, () => ({ items: [], nextCursor: null }));
    const onShare = vi.fn();
    const { user } = renderScreen(<ShareSheet handles={['leo_fan']} onShare={onShare} onClose={() => undefined} />);

    expect(await screen.findByText('Nothing to share here yet.')).toBeInTheDocument();
    const link = screen.getByLabelText('Or paste a link');
    await user.type(link, 'https://tremolo.example/u/lina_beauty');
    await user.click(screen.getByRole('button', { name: 'Share' }));
    expect(screen.getByRole('alert')).toHaveTextContent('That link is not a product, video or watch party');
    expect(onShare).not.toHaveBeenCalled();

    await user.clear(link);
    await user.type(link, `https://tremolo.example/v/${uuid(33).toUpperCase()}`);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Share' }));
    expect(onShare).toHaveBeenCalledExactlyOnceWith({ type: 'video', id: uuid(33) }, '');
  });
});

describe('share sheet: watch together', () => {
  test('opens on the watch tab; picking a video starts the party, a failure shows and the tabs switch', async () => {
    fakeServer()
      .on(api.accounts.session, () => session(me()))
      .on(api.shop.sellerProducts, () => ({ items: [productCard(30, 'Velvet lipstick')], nextCursor: null }))
      .on(api.videos.byAuthor, () => ({ items: [video(31, { caption: 'Swatches' })], nextCursor: null }));
    let fail: (e: unknown) => void = () => undefined;
    const onStart = vi.fn(() => new Promise<void>((_, reject) => (fail = reject)));
    const { user } = renderScreen(
      <ShareSheet
        handles={['lina_beauty']}
        onShare={() => undefined}
        onClose={() => undefined}
        watchTogether={{ openAtStart: true, onStart }}
      />,
    );
    expect(await screen.findByRole('tab', { name: /Watch together/ })).toHaveAttribute('aria-selected', 'true');
    await user.click(await screen.findByRole('button', { name: /Swatches/ }));
    expect(onStart).toHaveBeenCalledExactlyOnceWith(uuid(31));
    expect(screen.getByText('Starting the party…')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /Swatches/ })).toBeDisabled();
    expect(screen.queryByText('Velvet lipstick')).not.toBeInTheDocument();

    fail(new PublishError('disconnected', 'Not connected'));
    expect(await screen.findByRole('alert')).toHaveTextContent('Not connected right now. Try again in a moment.');
    expect(screen.getByRole('button', { name: /Swatches/ })).toBeEnabled();

    await user.click(screen.getByRole('tab', { name: 'Share' }));
    expect(await screen.findByRole('button', { name: /Velvet lipstick/ })).toBeInTheDocument();
  });
});
