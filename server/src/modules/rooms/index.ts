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
import { RoomAccess } from './access.ts';
import { liveRoomSection } from './card-section.ts';
import { RoomChanges } from './changes.ts';
import { RoomChat } from './chat.ts';
import type { RoomsDeps } from './context.ts';
import { RoomLifecycle } from './lifecycle.ts';
import { LiveCounts } from './live-counts.ts';
import { RoomMedia } from './media.ts';
import { RoomMembership } from './membership.ts';
import { RoomNotices } from './notifications.ts';
import { RoomPin } from './pinned.ts';
import { RoomProjection } from './projection.ts';
import { roomChannelPolicy } from './realtime.ts';
import { RoomsRepo } from './repo.ts';
import { registerRoomRoutes } from './routes.ts';
import { RoomStage } from './stage.ts';
import { RoomViews } from './views.ts';
import type { Rooms } from './parts.ts';

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
): Rooms {
  const { cards, ...services } = deps;
  const base: RoomsDeps = {
    ...services,
    db: p.db,
    repo: new RoomsRepo(p.db),
    realtime: p.realtime,
    store: p.store,
    storage: p.storage,
    chatLimit: p.rateLimit('room-msg', p.config.rooms.chatPer10s, 10),
    heartLimit: p.rateLimit('room-hearts', p.config.rooms.heartPostsPer10s, 10),
    limits: p.limits,
    iceServers: p.config.iceServers,
    log: p.log,
    nodeId: p.cluster.nodeId,
  };
  const access = new RoomAccess(base);
  const projection = new RoomProjection(base);
  const changes = new RoomChanges({ ...base, projection });
  const views = new RoomViews({ ...base, access, projection });
  const media = new RoomMedia({ ...base, access, changes });
  const counts = new LiveCounts({ ...base, access });
  const notices = new RoomNotices({ ...base, access });
  const rooms: Rooms = {
    views,
    lifecycle: new RoomLifecycle({ ...base, access, changes, media, counts, notices, views }),
    membership: new RoomMembership({ ...base, access, changes, media, views }),
    stage: new RoomStage({ ...base, changes, media, notices, views }),
    pin: new RoomPin({ ...base, access, changes }),
    media,
    chat: new RoomChat({ ...base, access }),
    counts,
  };
  p.cluster.onNodeDead('rooms: presence', (nodeId) => counts.sweepNode(nodeId));
  p.channels.register(roomChannelPolicy(rooms));
  cards.addSectionProvider(liveRoomSection({ ...base, access }));
  registerRoomRoutes(p.router, rooms);
  return rooms;
}
