import type { PagerProps } from './VideoPager.tsx';

/** The parts of an infinite query a video pager reads (TanStack's `useInfiniteQuery` result fits). */
export interface PagedFeed {
  data: unknown;
  error: unknown;
  hasNextPage: boolean;
  isFetching: boolean;
  isFetchingNextPage: boolean;
  isPending: boolean;
  fetchNextPage(): Promise<unknown>;
  refetch(): Promise<unknown>;
}

/**
 * A feed query wired to a `VideoPager`: the next page when the person nears the end (once at a
 * time), and a retry that reads the failed page again, or the whole feed when none loaded.
 */
export function pagerPropsOf(feed: PagedFeed): Pick<PagerProps, 'loadMore' | 'hasMore' | 'loading' | 'error' | 'onRetry'> {
  return {
    loadMore: () => void (feed.isFetching || feed.fetchNextPage()),
    hasMore: feed.hasNextPage,
    loading: feed.isPending || feed.isFetchingNextPage,
    error: feed.error,
    onRetry: () => void (feed.data ? feed.fetchNextPage() : feed.refetch()),
  };
}
