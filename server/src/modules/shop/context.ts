import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Db } from '../../platform/db/client.ts';
import type { PrivateFiles, PublicFiles } from '../../platform/storage.ts';
import type { Limits } from '../../platform/auth/limits.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { GraphService } from '../graph/service.ts';
import type { NotificationsService } from '../notifications/service.ts';
import type { PaymentProvider } from './payments/provider.ts';
import type { ShopEvents } from './realtime.ts';
import { HotQueries, ShopRepo } from './repo.ts';

export interface ShopOptions {
  /** How long an ordinary order holds its units before payment (flash sales set their own). */
  paymentWindowSec: number;
  /** How often the sweeper expires unpaid orders, settles ended flash sales and reconciles payments. */
  sweepIntervalMs: number;
  /** An in-flight (asynchronously confirming) payment keeps its order this much past the window. */
  processingGraceSec: number;
  maxImageBytes: number;
  /** How often a flash sale's admission tokens are reset to what PostgreSQL says is left (one node does it). */
  flashGateMs: number;
  /** At most this many flash-sale winners per sale run their transaction at once on one node. */
  flashAdmitMax: number;
  /** A shipped order the buyer has not confirmed is taken as delivered this many days after shipping. */
  autoDeliverDays: number;
  /** A buyer may open an after-sales request this many days after delivery (and any time while shipped). */
  aftersalesDays: number;
}

/** Answers "membership of a fan group" and "fan level ≥ N" coupon audiences; the fan-group module provides it. */
export interface FanAudience {
  isMember(groupId: string, userId: string): Promise<boolean>;
  fanLevel(groupId: string, userId: string): Promise<number>;
}

/** What every part of the shop shares. */
export interface ShopContext {
  db: Db;
  repo: ShopRepo;
  hot: HotQueries;
  accounts: AccountsService;
  graph: GraphService;
  notifications: NotificationsService;
  events: ShopEvents;
  storage: PublicFiles;
  /** What only some people may see: after-sales photos (they may show an address label). */
  privateFiles: PrivateFiles;
  log: FastifyBaseLogger;
  options: ShopOptions;
  limits: Limits;
  providers: Map<string, PaymentProvider>;
  fanAudience: FanAudience | null;
  /** Shared by every node when `REDIS_URL` is set: flash-sale tokens live there (keys begin with `redisPrefix`). */
  redis: Redis | undefined;
  redisPrefix: string;
  /** The shop's clock; tests move it to expire orders without waiting. */
  now(): Date;
  /** A product's title, status, variants or stock changed (the search index follows). */
  changed(productId: string): void;
}
