import type { QueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import { call } from '../lib/client.ts';
import { keyOf } from '../lib/queries.ts';
import { startForYouEarly } from './videos/ForYouFeed.tsx';

/**
 * Starts the first screen's data as the app starts, alongside the session check instead of
 * after it: on a phone network each round trip is half a second, and the screens wait for the
 * session before they mount. Only the two screens people land on cold: For You and a shared
 * video link.
 */
export function prefetchFirstScreen(client: QueryClient, pathname: string): void {
  if (pathname === '/') return startForYouEarly();
  const shared = /^\/v\/([^/]+)\/?$/.exec(pathname);
  if (shared?.[1]) {
    const args = { params: { id: decodeURIComponent(shared[1]) } };
    void client.prefetchQuery({ queryKey: keyOf(api.videos.get, args), queryFn: () => call(api.videos.get, args) });
  }
}
