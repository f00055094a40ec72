import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Node liveness on PostgreSQL when there is no Redis: one row per running node, its heartbeat
 * in `seen_at` (the database's clock, so nodes' clocks need not agree). A survivor claims a
 * silent node's row (`sweeper`) before running the sweeps, and deletes it after.
 */
export const clusterNodes = pgTable('cluster_nodes', {
  nodeId: text('node_id').primaryKey(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  seenAt: timestamp('seen_at', { withTimezone: true }).notNull().defaultNow(),
  sweeper: text('sweeper'),
  sweepStartedAt: timestamp('sweep_started_at', { withTimezone: true }),
});
