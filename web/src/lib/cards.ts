import { api as endpoints, Card, CardSection, type Card as CardT, type UserSummary } from '@tremolo/protocol';
import { api, enc, type Parser } from './api.ts';
import { call } from './client.ts';

/**
 * Reads a card but drops sections of a kind this bundle does not know yet, so a tab opened
 * before a deploy still shows the rest of the card instead of failing whole.
 */
const LenientCard: Parser<CardT> = {
  parse(value: unknown): CardT {
    if (value && typeof value === 'object' && 'sections' in value && Array.isArray(value.sections)) {
      const known = value.sections.filter((s: unknown) => CardSection.safeParse(s).success);
      return Card.parse({ ...value, sections: known });
    }
    return Card.parse(value);
  },
};

export function fetchCard(handle: string): Promise<CardT> {
  return api.get(`/api/v1/users/${enc(handle)}`, LenientCard);
}

/** The most-followed people the server knows, most first: who a newcomer may start with. */
export async function fetchPopular(limit: number): Promise<UserSummary[]> {
  return (await call(endpoints.graph.popular, { query: { limit } })).items;
}
