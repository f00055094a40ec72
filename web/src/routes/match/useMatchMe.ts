import { useCallback } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { MatchOptIn } from '@tremolo/protocol';
import { keyOf, useApiQuery } from '../../lib/queries.ts';

/** My 连线 state (opt-in, cool-down, ban), read afresh on each visit since the server moves it on its own. */
export function useMatchMe() {
  const queryClient = useQueryClient();
  const query = useApiQuery(api.match.me, undefined, { refetchOnMount: 'always' });
  const { refetch } = query;
  const setMe = useCallback((m: MatchOptIn) => queryClient.setQueryData(keyOf(api.match.me), m), [queryClient]);
  const load = useCallback(async () => {
    const r = await refetch();
    return r.isError ? null : (r.data ?? null);
  }, [refetch]);
  return { me: query.data ?? null, setMe, error: query.error, load };
}
