import { api } from '@tremolo/protocol';
import type { Router } from '../../platform/http/route.ts';
import type { CardsService } from './service.ts';

export function registerCardRoutes(router: Router, cards: CardsService, publicUrl: string | undefined): void {
  router.implement(api.cards.card, async ({ user, params, req }) => {
    const origin = publicUrl ?? `${req.protocol}://${req.headers.host ?? 'localhost'}`;
    return cards.card(params.handle, user?.id ?? null, origin);
  });
}
