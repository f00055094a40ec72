import type { ReactElement } from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';
import { I18nProvider } from '../lib/i18n.tsx';
import { LoadMore, type MorePages } from './LoadMore.tsx';

function pages(over: Partial<MorePages> = {}): MorePages {
  return { hasNextPage: true, isFetchingNextPage: false, fetchNextPage: vi.fn(() => Promise.resolve()), ...over };
}

const show = (el: ReactElement) => render(<I18nProvider>{el}</I18nProvider>);

describe('the load more button under a list', () => {
  test('reads the next page when tapped', async () => {
    const p = pages();
    show(<LoadMore pages={p} testId="more" />);
    await userEvent.click(await screen.findByRole('button', { name: 'Load more' }));
    expect(p.fetchNextPage).toHaveBeenCalledTimes(1);
  });

  test('while a page is read it stays in place, says so and cannot be tapped again', async () => {
    const p = pages({ isFetchingNextPage: true });
    show(<LoadMore pages={p} testId="more" />);
    const button = await screen.findByTestId('more');
    expect(button.textContent).toBe('Loading…');
    expect(button).toHaveProperty('disabled', true);
    expect(button.getAttribute('aria-busy')).toBe('true');
  });

  test('is not there when there is nothing more', async () => {
    show(
      <>
        <LoadMore pages={pages({ hasNextPage: false })} testId="more" />
        <LoadMore onMore={null} testId="more-own" />
        <span>list end</span>
      </>,
    );
    await screen.findByText('list end');
    expect(screen.queryByTestId('more')).toBeNull();
    expect(screen.queryByTestId('more-own')).toBeNull();
  });

  test('a list that pages itself gives its own step', async () => {
    const onMore = vi.fn();
    show(<LoadMore onMore={onMore} testId="more" />);
    await userEvent.click(await screen.findByTestId('more'));
    expect(onMore).toHaveBeenCalledTimes(1);
  });
});
