import { useCallback } from 'react';
import * as api from '@tremolo/protocol/api';
import type { SearchResultKind } from '@tremolo/protocol';
import { call } from '../../lib/client.ts';
import { useSession } from '../../lib/session.tsx';

/**
 * Tells the server that the person opened a result of query `q`: it feeds their For You
 * interests. Signed-out people have no interests to feed; a failure is dropped (a hint, never a blocker).
 */
export function useOpenResult(q: string): (kind: SearchResultKind, id: string) => void {
  const { me } = useSession();
  const signedIn = me !== null;
  return useCallback(
    (kind, id) => {
      const text = q.trim();
      if (!signedIn || !text) return;
      call(api.search.open, { body: { q: text.slice(0, 100), kind, id: id.slice(0, 64) } }).catch(() => undefined);
    },
    [q, signedIn],
  );
}
