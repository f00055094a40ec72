import {
  QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
  type QueryKey,
  type UseQueryOptions,
} from '@tanstack/react-query';
import type { ArgsOf, CallArgs, Endpoint, ResponseOf } from '@tremolo/protocol';
import { ApiError } from './api.ts';
import { call } from './client.ts';

/**
 * Server state lives in one TanStack Query cache: a screen asks for an endpoint's data, the cache
 * deduplicates and keeps it, and a mutation names what it changed so those queries refetch.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // A 4xx will answer the same again (not found, forbidden); only network trouble and 5xx are worth retrying.
        retry: (failures, error) => failures < 2 && (!(error instanceof ApiError) || error.code === 'network' || error.status >= 500),
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
}

/** The cache key of one endpoint call: its path pattern, then its arguments. */
export function keyOf<E extends Endpoint>(e: E, args?: ArgsOf<E>): QueryKey {
  return args === undefined ? [e.path] : [e.path, args];
}

/** The cache key of an endpoint's cursor pages read by `useApiPages` with these arguments. */
export function pagesKeyOf<E extends Endpoint>(e: E, args?: ArgsOf<E>): QueryKey {
  return [...keyOf(e, args), 'pages'];
}

/** The cached pages of a cursor-paged list, as `useApiPages` keeps them. */
export type Pages<T> = InfiniteData<{ items: T[]; nextCursor: string | null }, unknown>;

/** Reads an endpoint through the cache. */
export function useApiQuery<E extends Endpoint>(
  e: E,
  args: CallArgs<E>[0],
  options: Omit<UseQueryOptions<ResponseOf<E>, ApiError>, 'queryKey' | 'queryFn'> = {},
) {
  return useQuery<ResponseOf<E>, ApiError>({
    queryKey: keyOf(e, args as ArgsOf<E> | undefined),
    queryFn: () => call(e, ...([args] as CallArgs<E>)),
    ...options,
  });
}

/**
 * Changes something through an endpoint, then refetches every cached query of the endpoints it
 * `invalidates` (all their argument variants), so every screen showing that data catches up.
 */
export function useApiMutation<E extends Endpoint>(
  e: E,
  opts: { invalidates?: readonly Endpoint[]; onSuccess?: (data: ResponseOf<E>, args: CallArgs<E>[0]) => void } = {},
) {
  const client = useQueryClient();
  return useMutation<ResponseOf<E>, ApiError, CallArgs<E>[0]>({
    mutationFn: (args) => call(e, ...([args] as CallArgs<E>)),
    onSuccess: async (data, args) => {
      opts.onSuccess?.(data, args);
      await Promise.all((opts.invalidates ?? []).map((x) => client.invalidateQueries({ queryKey: [x.path] })));
    },
  });
}

type Paged = { nextCursor: string | null };

/**
 * Reads a cursor-paged endpoint through the cache, a page at a time; `fetchNextPage` asks for the
 * page after the last one. The cursor goes into the query, the rest of `args` stays fixed.
 */
export function useApiPages<E extends Endpoint & { query: object }>(
  e: E,
  args: CallArgs<E>[0],
  options: { enabled?: boolean; staleTime?: number } = {},
) {
  return useInfiniteQuery<ResponseOf<E>, ApiError, InfiniteData<ResponseOf<E>, string | null>, QueryKey, string | null>({
    queryKey: pagesKeyOf(e, args as ArgsOf<E> | undefined),
    ...options,
    initialPageParam: null,
    queryFn: ({ pageParam }) => {
      const a = (args ?? {}) as { query?: object };
      const withCursor = { ...a, query: { ...a.query, ...(pageParam ? { cursor: pageParam } : {}) } };
      return call(e, ...([withCursor] as CallArgs<E>));
    },
    getNextPageParam: (last) => (last as Paged).nextCursor,
  });
}
