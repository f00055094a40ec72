import { useQueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { Card, Relationship } from '@tremolo/protocol';
import { keyOf, useApiQuery } from '../../lib/queries.ts';

/**
 * The other person's card: who they are and how they relate to me. It is the cached card query,
 * so a follow from the call updates the card wherever else it is shown.
 */
export function usePeerCard(handle: string | null): { card: Card | null; setRelationship: (r: Relationship) => void } {
  const client = useQueryClient();
  const args = { params: { handle: handle ?? '' } };
  const card = useApiQuery(api.cards.card, args, { enabled: handle !== null });
  return {
    card: handle ? (card.data ?? null) : null,
    setRelationship: (r) => client.setQueryData<Card>(keyOf(api.cards.card, args), (c) => (c ? { ...c, relationship: r } : c)),
  };
}
