import { useEffect, useState } from 'react';
import type { Card, Relationship } from '@tremolo/protocol';
import { fetchCard } from '../../lib/cards.ts';

/** The other person's card: who they are and how they relate to me (loaded once per match). */
export function usePeerCard(handle: string | null): { card: Card | null; setRelationship: (r: Relationship) => void } {
  const [card, setCard] = useState<Card | null>(null);
  useEffect(() => {
    setCard(null);
    if (!handle) return;
    let cancelled = false;
    fetchCard(handle).then(
      (c) => !cancelled && setCard(c),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [handle]);
  return { card, setRelationship: (r) => setCard((c) => (c ? { ...c, relationship: r } : c)) };
}
