import type { Platform } from '../../platform/module.ts';
import type { SfuAdapter } from '../../platform/media/sfu.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { CardsService } from '../cards/service.ts';
import type { FansService } from '../fans/service.ts';
import type { GraphService } from '../graph/service.ts';
import type { GroupsService } from '../groups/service.ts';
import type { NotificationsService } from '../notifications/service.ts';
import type { ShopService } from '../shop/service.ts';
import type { VideosService } from '../videos/service.ts';
import { roomChannelPolicy } from './realtime.ts';
import { registerRoomRoutes } from './routes.ts';
import { RoomsService } from './service.ts';

export function register(
  p: Platform,
  deps: {
    accounts: AccountsService;
    graph: GraphService;
    groups: GroupsService;
    fans: FansService;
    notifications: NotificationsService;
    shop: ShopService;
    videos: VideosService;
    cards: CardsService;
    sfu: SfuAdapter;
  },
): RoomsService {
  const { cards, ...services } = deps;
  const rooms = new RoomsService({
    ...services,
    db: p.db,
    realtime: p.realtime,
    store: p.store,
    storage: p.storage,
    chatLimit: p.rateLimit('room-msg', p.config.rooms.chatPer10s, 10),
    heartLimit: p.rateLimit('room-hearts', p.config.rooms.heartPostsPer10s, 10),
    limits: p.limits,
    iceServers: p.config.iceServers,
    log: p.log,
    nodeId: p.cluster.nodeId,
  });
  p.cluster.onNodeDead('rooms: presence', (nodeId) => rooms.sweepNode(nodeId));
  p.channels.register(roomChannelPolicy(rooms));
  cards.addSectionProvider(rooms);
  registerRoomRoutes(p.router, rooms);
  return rooms;
}
