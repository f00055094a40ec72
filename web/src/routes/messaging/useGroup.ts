import { useQuery, type QueryKey } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { Group } from '@tremolo/protocol';
import type { ApiError } from '../../lib/api.ts';
import { call } from '../../lib/client.ts';
import { keyOf } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';

/** The cache key of a group as one person sees it: their membership is part of the answer. */
export function groupKey(id: string, viewerId: string | null): QueryKey {
  return [...keyOf(api.groups.get, { params: { id } }), viewerId];
}

/** A group with my membership, shared by the group page and its admin tools. */
export function useGroup(id: string) {
  const { me } = useSession();
  return useQuery<Group, ApiError>({ queryKey: groupKey(id, me?.id ?? null), queryFn: () => call(api.groups.get, { params: { id } }) });
}
