import type { FeedItem } from '@tremolo/protocol';
import type { VideoRow } from '../../videos/service.ts';

export type Reason = Extract<FeedItem, { type: 'video' }>['reason'];

export interface Candidate {
  id: string;
  reason: Reason;
  /** Friends and followed creators who liked it. */
  social: number;
}

/** A candidate with its video and For You score: what the skeleton hands on, best first. */
export interface Scored {
  c: Candidate;
  v: VideoRow;
  s: number;
  /** liked by hardly anyone yet: a candidate for the exploration slots */
  unpopular: boolean;
}

/** What one person has seen (from the database) and been served (this node, recently; `product:<id>` for products). */
export interface History {
  seen: Set<string>;
  served: Map<string, number>;
}

/** Every few slots of a For You page, a new or little-seen creator gets a chance. */
export const EXPLORE_EVERY = 5;
