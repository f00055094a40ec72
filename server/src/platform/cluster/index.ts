import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { Metrics } from '../metrics.ts';
import { LocalCluster, PostgresCluster, RedisCluster, newNodeId, type Cluster, type ClusterOptions } from './cluster.ts';

/** Liveness in Redis when there is one, else in PostgreSQL, else (PGlite: one node) nowhere but here. */
export function createCluster(config: Config, database: Database, log: FastifyBaseLogger, metrics: Metrics): Cluster {
  const opts: ClusterOptions = { ...config.cluster, log, onSwept: () => metrics.nodesSwept.inc() };
  if (config.redisUrl) return new RedisCluster(config.redisUrl, config.redisPrefix, newNodeId(), opts);
  if (database.kind === 'postgres') return new PostgresCluster(database.db, newNodeId(), opts);
  return new LocalCluster(opts);
}
