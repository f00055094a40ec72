import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from './config.ts';
import type { Db } from './db/client.ts';
import type { Router } from './http/route.ts';
import type { Limits } from './auth/limits.ts';
import type { Jobs } from './jobs/jobs.ts';
import type { RateLimit } from './auth/rate-limit.ts';
import type { Bus } from './realtime/bus.ts';
import type { Cluster } from './cluster/cluster.ts';
import type { Metrics } from './metrics.ts';
import type { ChannelRegistry } from './realtime/channels.ts';
import type { Realtime } from './realtime/realtime.ts';
import type { EventStore } from './realtime/store.ts';
import type { PrivateFiles, PublicFiles } from './storage.ts';

/**
 * What the platform hands every module's `register`: a module builds its service from these and
 * from the services of the modules it depends on, plugs its channel policies and routes in, and
 * returns the service.
 */
export interface Platform {
  config: Config;
  db: Db;
  http: FastifyInstance;
  router: Router;
  channels: ChannelRegistry;
  realtime: Realtime;
  store: EventStore;
  bus: Bus;
  /** Commands on the shared Redis when `REDIS_URL` is set (keys begin with `config.redisPrefix`); else one node keeps such state in memory. */
  redis: Redis | undefined;
  /** Public files (avatars, product images, covers); readable too, for a person's data archive. */
  storage: PublicFiles;
  privateFiles: PrivateFiles;
  limits: Limits;
  /** Background jobs on the durable queue: a module declares its kinds and works them at register time. */
  jobs: Jobs;
  log: FastifyBaseLogger;
  /** Prometheus metrics served at `/metrics`. */
  metrics: Metrics;
  /** This node's id and the registry of sweeps run when another node dies. */
  cluster: Cluster;
  /** A limit on a burst of actions, shared by every node when Redis is configured. */
  rateLimit(name: string, points: number, durationSec: number): RateLimit;
}
