import type { ChannelEvent, ChannelKind, EventFrame, PublishBody } from '@tremolo/protocol';
import type { AuthenticatedUser } from '../auth/session.ts';

/**
 * What a module declares for each channel kind it owns. The gateway asks on every
 * subscribe and every publish frame; nothing reaches a channel without a yes from here.
 */
export interface ChannelPolicy {
  kind: ChannelKind;
  /** Durable channels store each event with a sequence before acknowledging it. */
  durable: boolean;
  /** Body kinds that skip storage even on a durable channel (reactions, typing). */
  ephemeralKinds?: ReadonlySet<ChannelEvent['kind']>;
  canSubscribe(user: AuthenticatedUser, id: string): Promise<boolean>;
  /** `false` when this user may not publish this body here; clients never publish server-only kinds. */
  canPublish(user: AuthenticatedUser, id: string, body: PublishBody): Promise<boolean>;
  /**
   * Turns an accepted client body into what is stored and fanned out (e.g. adds the sender's
   * fan level badge). May throw an AppError, whose code the client receives in `err`.
   */
  prepare?(user: AuthenticatedUser, id: string, body: PublishBody): Promise<ChannelEvent>;
  /** Runs after a new (not retried) event is stored: mentions, unread counters, notifications. */
  afterPublish?(user: AuthenticatedUser, id: string, frame: EventFrame): Promise<void>;
  /** Called when this person's last socket on this node stops listening to the channel (unsub or close). */
  left?(user: AuthenticatedUser, id: string): void;
}

export class ChannelRegistry {
  private readonly policies = new Map<ChannelKind, ChannelPolicy>();

  register(policy: ChannelPolicy): void {
    if (this.policies.has(policy.kind)) throw new Error(`channel kind ${policy.kind} registered twice`);
    this.policies.set(policy.kind, policy);
  }

  get(kind: ChannelKind): ChannelPolicy | undefined {
    return this.policies.get(kind);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Channel ids come from clients: policies check their shape before they reach a query. */
export const isUuid = (s: string): boolean => UUID.test(s);
