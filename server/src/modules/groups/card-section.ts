import type { CardSectionProvider } from '../cards/service.ts';
import type { GroupsService } from './service.ts';

/** The "fan groups" section of a creator's card: their groups and where the viewer stands in each. */
export function fanGroupsSection(groups: GroupsService): CardSectionProvider {
  return {
    async sections(owner, viewerId) {
      const list = await groups.ofCreator(viewerId, owner.id);
      if (list.length === 0) return [];
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
          })),
        },
      ];
    },
  };
}
