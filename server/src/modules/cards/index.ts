import type { Platform } from '../../platform/module.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { GraphService } from '../graph/service.ts';
import { registerCardRoutes } from './routes.ts';
import { CardsService } from './service.ts';

/** Other modules add their sections to the card through `addSectionProvider` when they register. */
export function register(p: Platform, deps: { accounts: AccountsService; graph: GraphService }): CardsService {
  const cards = new CardsService(deps);
  registerCardRoutes(p.router, cards, p.config.publicUrl);
  return cards;
}
