import * as api from '@tremolo/protocol/api';
import type { PersonHit, SearchResults, Suggestion } from '@tremolo/protocol';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { me, person, productCard, session, uuid, video } from '../../test/fixtures.ts';
import { fakeServer, renderScreen } from '../../test/render.tsx';
import { SearchPage } from './SearchPage.tsx';

const at = { path: '/discover', route: '/discover' };
const lipstick = productCard(20, 'Velvet Lipstick');
const lina: PersonHit = {
  user: { ...person(30, 'lina_beauty', 'Lina'), bio: 'swatches every day' },
  followers: 1200,
  relation: 'friend',
  mutualFriends: 2,
};
const suggestions: Suggestion[] = [
  { kind: 'person', person: lina },
  { kind: 'hashtag', hashtag: { tag: 'lipstick', videos: 12, views: 3400 } },
  { kind: 'product', product: lipstick },
];

function results(over: Partial<SearchResults>): SearchResults {
  return { q: 'lipstick', tab: 'top', people: [], hashtags: [], videos: [], products: [], live: [], nextCursor: null, ...over };
}

function searchServer() {
  return fakeServer()
    .on(api.accounts.session, () => session(me()))
    .on(api.graph.popular, () => ({ items: [] }))
    .on(api.search.trending, () => ({ items: [{ tag: 'lipstick', videos: 12, views: 3400 }] }))
    .on(api.search.recent, () => ({ items: [{ id: uuid(90), q: '口红', at: '2026-03-01T10:00:00.000Z' }] }))
    .on(api.search.suggest, ({ query }) => ({ q: query.get('q') ?? '', items: suggestions }))
    .on(api.search.search, ({ query }) =>
      query.get('tab') === 'products'
        ? results({ tab: 'products', products: [lipstick] })
        : results({
            people: [lina],
            videos: [video(40, { caption: 'lipstick swatch #lipstick' })],
            products: [lipstick],
          }),
    );
}

describe('discover search', () => {
  test('with nothing typed: recent searches, trending hashtags; recent ones can be cleared', async () => {
    const server = searchServer().on(api.search.clearRecent, () => ({ ok: true as const }));
    const { user } = renderScreen(<SearchPage />, at);

    expect(await screen.findByTestId('search-recent-item')).toHaveTextContent('口红');
    expect(await screen.findByTestId('tag-chip')).toHaveAttribute('href', '/t/lipstick');

    server.on(api.search.recent, () => ({ items: [] }));
    await user.click(screen.getByRole('button', { name: 'Clear all' }));
    await waitFor(() => expect(screen.queryByTestId('search-recent')).toBeNull());
    expect(server.callsTo(api.search.clearRecent)).toHaveLength(1);
  });

  test('suggestions come once the person pauses: people, hashtags and products', async () => {
    const server = searchServer();
    const { user } = renderScreen(<SearchPage />, at);

    await user.type(await screen.findByRole('combobox', { name: 'Search' }), 'lip');
    const list = await screen.findByTestId('search-suggestions');
    expect(await within(list).findByTestId('search-person')).toHaveAttribute('href', '/u/lina_beauty');
    expect(within(list).getByTestId('search-hashtag')).toHaveAttribute('href', '/t/lipstick');
    expect(within(list).getByTestId('search-suggest-product')).toHaveAttribute('href', `/p/${lipstick.id}?via=search`);
    // Three keys typed quickly: one question, for the whole word.
    expect(server.callsTo(api.search.suggest).map((c) => c.query.get('q'))).toEqual(['lip']);
  });

  test('Enter searches: results in tabs, and a product opens with search as its surface', async () => {
    searchServer();
    const { user } = renderScreen(<SearchPage />, at);

    await user.type(await screen.findByRole('combobox', { name: 'Search' }), 'lipstick{Enter}');
    const top = await screen.findByTestId('top-people');
    expect(within(top).getByTestId('search-person')).toHaveTextContent('Friend');
    expect(screen.getByTestId('search-videos')).toBeInTheDocument();

    await user.click(screen.getByTestId('search-tab-products'));
    expect(await screen.findByTestId('product-filters')).toBeInTheDocument();
    await user.click(within(await screen.findByTestId('search-products')).getByTestId('product-card-title'));
    expect(await screen.findByTestId('landed')).toHaveTextContent(`/p/${lipstick.id}?via=search`);
  });

  test('filters go to the server: in stock, sort and a price range in minor units', async () => {
    const server = searchServer();
    const { user } = renderScreen(<SearchPage />, { path: '/discover?q=lipstick&tab=products', route: '/discover' });

    await user.click(await screen.findByTestId('filter-in-stock'));
    await user.selectOptions(screen.getByTestId('filter-sort'), 'price_asc');
    await user.click(screen.getByTestId('filter-price'));
    await user.type(screen.getByTestId('filter-min'), '10');
    await user.type(screen.getByTestId('filter-max'), '99.50');
    await user.click(screen.getByTestId('filter-apply'));

    await waitFor(() => {
      const last = server.callsTo(api.search.search).at(-1)?.query;
      expect(last?.get('inStock')).toBe('true');
      expect(last?.get('sort')).toBe('price_asc');
      expect(last?.get('minPrice')).toBe('1000');
      expect(last?.get('maxPrice')).toBe('9950');
    });
  });
});
