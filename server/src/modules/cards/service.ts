import type { Card, CardSection } from '@tremolo/protocol';
import type { AccountsService } from '../accounts/service.ts';
import type { UserRow } from '../accounts/service.ts';
import type { GraphService } from '../graph/service.ts';

/**
 * A feature that adds a part to personal cards (the shop showcase, a fan group, "live now").
 * Providers are registered at composition; the card asks each in order.
 */
const SECTION_ORDER: readonly CardSection['kind'][] = ['links', 'showcase', 'live_room', 'room_replays', 'fan_groups'];

export interface CardSectionProvider {
  sections(owner: UserRow, viewerId: string | null): Promise<CardSection[]>;
}

export interface CardsDeps {
  accounts: AccountsService;
  graph: GraphService;
}

export class CardsService {
  private readonly providers: CardSectionProvider[] = [];

  constructor(private readonly deps: CardsDeps) {
    this.providers.push({
      sections: async (owner) => (owner.links.length ? [{ kind: 'links', links: owner.links }] : []),
    });
  }

  addSectionProvider(p: CardSectionProvider): void {
    this.providers.push(p);
  }

  async card(handle: string, viewerId: string | null, origin: string): Promise<Card> {
    const owner = await this.deps.accounts.byHandle(handle);
    const [counts, relationship] = await Promise.all([
      this.deps.graph.counts(owner.id),
      viewerId ? this.deps.graph.relationship(viewerId, owner.id) : Promise.resolve(null),
    ]);
    // A person the owner blocked sees the name and face, nothing private.
    const hidden = relationship?.blockedBy ?? false;
    const found = hidden ? [] : (await Promise.all(this.providers.map((p) => p.sections(owner, viewerId)))).flat();
    // The card's layout, whatever order the modules registered their sections in.
    const sections = found.sort((a, b) => SECTION_ORDER.indexOf(a.kind) - SECTION_ORDER.indexOf(b.kind));
    return {
      user: { ...this.deps.accounts.summary(owner), bio: hidden ? '' : owner.bio },
      counts,
      relationship,
      url: `${origin}/u/${owner.handle}`,
      sections,
    };
  }
}
