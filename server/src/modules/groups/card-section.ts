import type { CardSectionProvider } from '../cards/service.ts';
import type { GroupsService } from './service.ts';

/** The "fan groups" section of a creator's card: their groups and where the viewer stands in each. */
export function fanGroupsSection(groups: GroupsService): CardSectionProvider {
  return {
    async sections(owner, viewerId) {
      const list = await groups.ofCreator(viewerId, owner.id);
      if (list.length === 0) return [];
      // The level is the viewer's with this creator, the same in each of the creator's groups.
      const fanLevel = viewerId && viewerId !== owner.id ? (list[0]!.me?.fanLevel ?? null) : null;
      return [
        {
          kind: 'fan_groups' as const,
          groups: list.map((g) => ({
            id: g.id,
            name: g.name,
            members: g.members,
            capacity: g.capacity,
            joinRule: g.joinRule,
            status: g.me?.status ?? 'none',
            minFanLevel: g.minFanLevel,
            joinBlocked: g.me?.joinBlocked ?? null,
          })),
          fanLevel,
        },
      ];
    },
  };
}
