import { useI18n } from '../lib/i18n.tsx';

/** What a list's "load more" button needs from an infinite query (TanStack's `useInfiniteQuery` result fits). */
export interface MorePages {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage(): Promise<unknown>;
}

interface Props {
  /** The list's pages; or `onMore` (null: nothing more) for a list that pages itself. */
  pages?: MorePages;
  onMore?: (() => void) | null;
  /** Set while a page is being read: the button says so and does not ask twice. */
  loading?: boolean;
  testId?: string;
}

/**
 * The button under a paged list that reads its next page. It is there only while there is more;
 * while a page is being read it stays in place (saying so), so the list does not jump under a tap.
 */
export function LoadMore({ pages, onMore, loading, testId }: Props) {
  const { t } = useI18n();
  const more = pages ? (pages.hasNextPage ? () => void pages.fetchNextPage() : null) : (onMore ?? null);
  const busy = loading ?? pages?.isFetchingNextPage ?? false;
  if (!more) return null;
  return (
    <button type="button" className="btn btn-ghost btn-block" onClick={more} disabled={busy} aria-busy={busy} data-testid={testId}>
      {busy ? t('common.loading') : t('common.loadMore')}
    </button>
  );
}
