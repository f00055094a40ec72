import { Card } from '../accounts.ts';
import { HandleParams } from '../graph.ts';
import { endpoint } from './endpoint.ts';

export const cardsApi = {
  card: endpoint({
    method: 'GET',
    path: '/api/v1/users/:handle',
    auth: 'optional',
    summary: "A person's card (个人名片): profile, counts, relationship to me and feature sections",
    tags: ['cards'],
    params: HandleParams,
    response: Card,
    errors: ['not_found'],
  }),
};
