import type { IceServer } from '@tremolo/protocol';

export interface MatchOptions {
  iceServers: IceServer[];
  /** Handles that are moderators (besides the `moderators` table). */
  adminHandles: ReadonlySet<string>;
  fallbackMs: number;
  /** Two people who just met are not matched again for this long (short only in tests that need a rematch to be possible). */
  recentMs: number;
  /** Skips ("next", or leaving a call) above this per hour put the person in a cool-down. */
  skipsPerHourCooldown: number;
  skipCooldownMs: number;
  /** Distinct reporters within a day that put the reported person in a cool-down. */
  reportsForCooldown: number;
  reportCooldownMs: number;
  shakeWindowMs: number;
  /** A video call placed from a shake match rings this long before the caller hears "no answer". */
  ringMs: number;
  /** How long a person's eligibility (opt-in, cool-down, exclusions) is cached between joins. */
  cacheMs: number;
  tickMs: number;
}

/** The settings of the configuration (`MATCH_*`, `SHAKE_*`, `ADMIN_HANDLES`). */
export interface MatchSettings {
  adminHandles: string[];
  fallbackMs: number;
  recentMs: number;
  skipsPerHourCooldown: number;
  shakeWindowMs: number;
  ringMs: number;
}

export function matchOptions(settings: MatchSettings, iceServers: IceServer[]): MatchOptions {
  return {
    ...settings,
    iceServers,
    adminHandles: new Set(settings.adminHandles),
    skipCooldownMs: 15 * 60_000,
    reportsForCooldown: 3,
    reportCooldownMs: 60 * 60_000,
    cacheMs: 60_000,
    tickMs: 100,
  };
}
