import type { IceServer } from '@tremolo/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Limits } from '../../platform/auth/limits.ts';
import type { RateLimit } from '../../platform/auth/rate-limit.ts';
import type { Db } from '../../platform/db/client.ts';
import type { SfuAdapter } from '../../platform/media/sfu.ts';
import type { Realtime } from '../../platform/realtime/realtime.ts';
import type { EventStore } from '../../platform/realtime/store.ts';
import type { Storage } from '../../platform/storage.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { ModerationService } from '../moderation/service.ts';
import type { FansService } from '../fans/service.ts';
import type { GraphService } from '../graph/service.ts';
import type { GroupsService } from '../groups/service.ts';
import type { NotificationsService } from '../notifications/service.ts';
import type { ShopService } from '../shop/service.ts';
import type { VideosService } from '../videos/service.ts';
import type { RoomsRepo } from './repo.ts';

/**
 * What the rooms module is built from: the platform, the services of other modules it calls, and
 * its own repo. Each part of the module takes the fields it uses (a `Pick` of this) plus the
 * other parts it calls, and keeps that object as `deps`.
 */
export interface RoomsDeps {
  db: Db;
  repo: RoomsRepo;
  accounts: AccountsService;
  graph: GraphService;
  groups: GroupsService;
  fans: FansService;
  notifications: NotificationsService;
  shop: ShopService;
  videos: VideosService;
  realtime: Realtime;
  store: EventStore;
  sfu: SfuAdapter;
  storage: Storage;
  chatLimit: RateLimit;
  heartLimit: RateLimit;
  limits: Limits;
  iceServers: IceServer[];
  log: FastifyBaseLogger;
  /** This node's id, recorded beside the presence it holds. */
  nodeId: string;
  /** Word filters on chat (the site's and the room creator's lists). */
  moderation: ModerationService;
}

export const channelOf = (roomId: string) => `room:${roomId}`;
export const linkOf = (roomId: string) => `/r/${roomId}`;
export const iso = (d: Date | null) => (d ? d.toISOString() : null);
