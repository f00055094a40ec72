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
import { findMediaTools } from '../videos/media.ts';
import { RoomAccess } from './access.ts';
import { RoomBroadcast } from './broadcast.ts';
import { liveRoomSection, roomReplaysSection } from './card-section.ts';
import { RoomChanges } from './changes.ts';
import { RoomChat } from './chat.ts';
import type { RoomsDeps } from './context.ts';
import { RoomLifecycle } from './lifecycle.ts';
import { LiveCounts } from './live-counts.ts';
import { MemoryPendingHearts, RedisPendingHearts } from './pending-hearts.ts';
import { RoomMedia } from './media.ts';
import { RoomMembership } from './membership.ts';
import { RoomNotices } from './notifications.ts';
import { RoomPin } from './pinned.ts';
import { RoomReservations } from './reservations.ts';
import { RoomMomentsView } from './moments.ts';
import { RoomProjection } from './projection.ts';
import { roomChannelPolicy } from './realtime.ts';
import { RoomsRepo } from './repo.ts';
import { registerRoomRoutes } from './routes.ts';
import { RoomStage } from './stage.ts';
import { RoomViews } from './views.ts';
import type { Rooms } from './parts.ts';
import type { ModerationService } from '../moderation/service.ts';
import { registerRoomSurface } from './moderation.ts';
import { roomsAccountPart } from './erase.ts';

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
    moderation: ModerationService;
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
  const broadcasting = p.config.broadcast.enabled && findMediaTools() !== null;
  const views = new RoomViews({ ...base, access, projection, broadcast: broadcasting });
  // With the broadcast on, the first few of the audience still get WebRTC; the rest, the broadcast.
  const seats = broadcasting ? p.config.broadcast.webrtcSeats : null;
  const media = new RoomMedia({ ...base, access, changes, broadcast: broadcasting });
  const broadcast = new RoomBroadcast({
    ...base,
    access,
    media,
    jobs: p.jobs,
    files: p.privateFiles,
    config: { ...p.config.broadcast, enabled: broadcasting },
  });
  // With several nodes, hearts wait in Redis until added, so a node that dies does not take them with it.
  const pending = p.redis ? new RedisPendingHearts(p.redis, p.config.redisPrefix, base.nodeId) : new MemoryPendingHearts();
  const counts = new LiveCounts({ ...base, access, pending });
  const reservations = new RoomReservations({ ...base, access, jobs: p.jobs });
  const notices = new RoomNotices({ ...base, access, reservations });
  const rooms: Rooms = {
    views,
    lifecycle: new RoomLifecycle({ ...base, access, changes, media, counts, notices, views, broadcast, reservations }),
    reservations,
    moments: new RoomMomentsView({ ...base, access }),
    membership: new RoomMembership({ ...base, access, changes, media, views, seats }),
    stage: new RoomStage({ ...base, changes, media, notices, views }),
    pin: new RoomPin({ ...base, access, changes }),
    media,
    chat: new RoomChat({ ...base, access }),
    counts,
    broadcast,
  };
  p.cluster.onNodeDead('rooms: presence and hearts', (nodeId) => counts.sweepNode(nodeId));
  p.channels.register(roomChannelPolicy(rooms));
  cards.addSectionProvider(liveRoomSection({ ...base, access }));
  cards.addSectionProvider(roomReplaysSection({ ...base, access }));
  registerRoomSurface(base, access, rooms.lifecycle);
  deps.accounts.rights.addPart(roomsAccountPart(base, rooms));
  registerRoomRoutes(p.router, rooms, p.privateFiles);
  return rooms;
}
