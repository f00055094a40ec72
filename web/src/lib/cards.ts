import { api, type Card } from '@tremolo/protocol';
import { call } from './client.ts';

/** A person's card; sections of a kind this bundle does not know are dropped by the schema. */
export function fetchCard(handle: string): Promise<Card> {
  return call(api.cards.card, { params: { handle } });
}
