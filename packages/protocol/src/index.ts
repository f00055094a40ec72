export * from './errors.ts';
export * from './common.ts';
export * from './accounts.ts';
export * from './graph.ts';
export * from './notifications.ts';
export * from './realtime.ts';
export * from './videos.ts';
export * from './shop.ts';
