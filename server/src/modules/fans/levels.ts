import type { ViewerSignal } from '../videos/service.ts';

/**
 * Fan levels (粉丝等级): what a fan has done for one creator, in points, mapped to a level.
 *
 * | action                                   | points |
 * | ---------------------------------------- | ------ |
 * | like one of the creator's videos          | 2      |
 * | comment on one of their videos            | 3      |
 * | watch one of their videos to the end      | 2      |
 * | each 30 s watched of their videos         | 1 (at most 4 per report) |
 * | a message in their fan group              | 1 (at most FAN_POINTS_GROUP_MESSAGES_PER_DAY, 20) |
 * | a paid order from their shop              | 10 + 1 per 10 currency units, at most 100 |
 *
 * Level n needs LEVEL_THRESHOLDS[n-1] points: the steps grow so that the first levels come
 * within a day of being a fan and the top ones take months. Level 1 is every follower.
 */
export const LEVEL_THRESHOLDS = [
  0, 10, 30, 60, 100, 160, 250, 400, 650, 1000, 1500, 2200, 3200, 4500, 6500, 9000, 12500, 17000, 23000, 30000,
];

export const POINTS = {
  like: 2,
  comment: 3,
  complete: 2,
  watchPer30s: 1,
  watchMaxPerReport: 4,
  groupMessage: 1,
  orderBase: 10,
  orderPer10Units: 1,
  orderMax: 100,
} as const;

export function levelFor(points: number): number {
  let level = 1;
  for (let i = 0; i < LEVEL_THRESHOLDS.length; i++) if (points >= LEVEL_THRESHOLDS[i]!) level = i + 1;
  return level;
}

/** Points for a paid order of `amountMinor` (e.g. fen); 100 minor units = 1 currency unit. */
export function orderPoints(amountMinor: number): number {
  return Math.min(POINTS.orderMax, POINTS.orderBase + Math.floor(amountMinor / 1000) * POINTS.orderPer10Units);
}

export function watchPoints(watchedMs: number): number {
  return Math.min(POINTS.watchMaxPerReport, Math.floor(watchedMs / 30_000) * POINTS.watchPer30s);
}

/** Points a viewer's signal on one of a creator's videos earns (or, for an unlike, takes back). */
export function signalPoints(s: ViewerSignal): number {
  switch (s.kind) {
    case 'like':
      return POINTS.like;
    case 'unlike':
      return -POINTS.like;
    case 'complete':
      return POINTS.complete;
    case 'watch':
      return watchPoints(s.watchedMs);
    case 'not_interested':
      return 0;
  }
}
