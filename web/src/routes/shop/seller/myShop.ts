import { useQuery, type QueryKey } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { Shop } from '@tremolo/protocol';
import { ApiError } from '../../../lib/api.ts';
import { call } from '../../../lib/client.ts';
import { keyOf } from '../../../lib/queries.ts';
import { useSession } from '../../../lib/session.tsx';

/** Under the endpoint's key (so saving the shop invalidates it), apart from the plain answer: null is cached here. */
export function myShopKey(handle: string): QueryKey {
  return [...keyOf(api.shop.shopOf, { params: { handle } }), 'mine'];
}

/** My own shop, or null before I have opened one. */
export function useMyShop() {
  const { me } = useSession();
  const handle = me?.handle ?? '';
  return useQuery<Shop | null, ApiError>({
    queryKey: myShopKey(handle),
    queryFn: async () => {
      try {
        return await call(api.shop.shopOf, { params: { handle } });
      } catch (e) {
        if (e instanceof ApiError && e.code === 'not_found') return null;
        throw e;
      }
    },
    enabled: handle !== '',
  });
}
