import type { Platform } from '../../platform/module.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { CardsService } from '../cards/service.ts';
import type { FansService } from '../fans/service.ts';
import type { GraphService } from '../graph/service.ts';
import type { ModerationService } from '../moderation/service.ts';
import type { NotificationsService } from '../notifications/service.ts';
import type { ShopService } from '../shop/service.ts';
import { fanGroupsSection } from './card-section.ts';
import { groupChannelPolicy } from './realtime.ts';
import { registerGroupRoutes } from './routes.ts';
import { GroupsService } from './service.ts';

export function register(
  p: Platform,
  deps: {
    accounts: AccountsService;
    graph: GraphService;
    fans: FansService;
    notifications: NotificationsService;
    cards: CardsService;
    shop: ShopService;
    moderation: ModerationService;
  },
): GroupsService {
  const { accounts, graph, fans, notifications, cards, shop } = deps;
  const groups = new GroupsService({
    db: p.db,
    accounts,
    graph,
    fans,
    notifications,
    realtime: p.realtime,
    history: p.store,
    messageLimit: p.rateLimit('group-msg', p.config.chatMessagesPer10s, 10),
    limits: p.limits,
    moderation: deps.moderation,
  });
  p.channels.register(groupChannelPolicy(groups));
  accounts.rights.addPart(groups.accountPart());
  // The shop and groups need each other: coupon audiences ask groups, coupon drops ask the shop.
  shop.setFanAudience({ isMember: (g, u) => groups.isMember(g, u), fanLevel: (g, u) => groups.fanLevelIn(g, u) });
  groups.setCouponDrops(shop.promotions);
  cards.addSectionProvider(fanGroupsSection(groups));
  notifications.countChatsWith((userId) => groups.unreadTotal(userId));
  registerGroupRoutes(p.router, groups, accounts);
  return groups;
}
