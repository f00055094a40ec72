import { Card, HandleParams } from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import type { CardsService } from './service.ts';

export function registerCardRoutes(router: Router, cards: CardsService, publicUrl: string | undefined): void {
  router.add({
    method: 'GET',
    url: '/api/v1/users/:handle',
    auth: 'optional',
    summary: "A person's card (个人名片): profile, counts, relationship to me and feature sections",
    tags: ['cards'],
    params: HandleParams,
    response: Card,
    handler: async ({ user, params, req }) => {
      const origin = publicUrl ?? `${req.protocol}://${req.headers.host ?? 'localhost'}`;
      return cards.card(params.handle, user?.id ?? null, origin);
    },
  });
}
