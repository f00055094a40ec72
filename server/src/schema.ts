// Every table, gathered for drizzle-kit: the platform's and each module's (modules own their tables).
export * from './modules/accounts/tables.ts';
export * from './modules/graph/tables.ts';
export * from './modules/notifications/tables.ts';
export * from './platform/realtime/tables.ts';
export * from './platform/cluster/tables.ts';
export * from './modules/videos/tables.ts';
export * from './modules/shop/tables.ts';
export * from './modules/fans/tables.ts';
export * from './modules/groups/tables.ts';
export * from './modules/dms/tables.ts';
export * from './modules/watch/tables.ts';
export * from './modules/match/tables.ts';
export * from './modules/rooms/tables.ts';
