import type { ChannelEvent } from '@tremolo/protocol';
import type { Limits } from '../../platform/auth/limits.ts';
import { AppError } from '../../platform/errors.ts';
import type { Bus } from '../../platform/realtime/bus.ts';
import type { Realtime } from '../../platform/realtime/realtime.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { GraphService } from '../graph/service.ts';
import type { MatchOptions } from './options.ts';
import type { MatchRepo } from './repo.ts';

/**
 * What the match module is built from: the platform, the services of other modules it calls,
 * its repo and its options. Each part takes the fields it uses (a `Pick` of this) plus the other
 * parts it calls, and keeps that object as `deps`.
 */
export interface MatchDeps {
  repo: MatchRepo;
  accounts: AccountsService;
  graph: GraphService;
  realtime: Realtime;
  bus: Bus;
  limits: Limits;
  options: MatchOptions;
}

/** Why a call ended, as each side is told. */
export type EndReason = Extract<ChannelEvent, { kind: 'match_ended' }>['reason'];

/** A person's own channel: queue status, matches and the other side's signalling. */
export const channelOf = (userId: string) => `match:${userId}`;

export function dedupe(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

export function optInRequired(message = 'Confirm you are 18 or older and accept the rules first'): AppError {
  return new AppError('opt_in_required', message);
}
