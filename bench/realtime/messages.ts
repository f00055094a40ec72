/** What the orchestrator (bench/realtime.ts) and the load generator processes say over IPC. */

export type ServerKind = 'tremolo' | 'socketio';

export interface GeneratorSetup {
  kind: ServerKind;
  port: number;
  channel: string;
  /** One credential per subscriber: a `tremolo_sid=…` cookie for Tremolo, a user id for Socket.IO. */
  subscribers: string[];
  /** The publisher's credential, for the one generator that publishes. */
  publisher: string | null;
  connectConcurrency: number;
}

export type ToGenerator =
  | { op: 'setup'; setup: GeneratorSetup }
  /** (Re)connects every subscriber that is not connected and subscribed. */
  | { op: 'connect' }
  /** Starts recording a step: events with seq > `afterSeq` belong to it. The publisher also publishes. */
  | { op: 'run'; step: number; afterSeq: number; rate: number; durationSec: number }
  /** Waits until every subscriber has `lastSeq` (or a quiet period passes), then reports the step. */
  | { op: 'collect'; step: number; firstSeq: number; lastSeq: number }
  /**
   * Replies once no event has arrived for a second and the publisher has nothing unacknowledged
   * (an overloaded server drains its backlog first), with the channel's head from the publisher.
   */
  | { op: 'settle' }
  | { op: 'exit' };

export interface ConnectReport {
  op: 'connected';
  subscribed: number;
  failed: number;
  ms: number;
  errors: string[];
  /** The channel's sequence head as the publisher saw it on subscribe. */
  head: number | null;
}

export interface PublishReport {
  op: 'published';
  step: number;
  sent: number;
  acked: number;
  /** Seqs the server acknowledged for this step's messages. */
  firstSeq: number;
  lastSeq: number;
  /** Wall time of the first and last send (epoch ms). */
  startedAt: number;
  endedAt: number;
  /** Publish errors the server sent back (rate limits, validation), by code. */
  errors: Record<string, number>;
  /** Messages still unacknowledged when the publisher gave up waiting. */
  unacked: number;
  /** Acked seqs that were not contiguous (should never happen on one channel with one publisher). */
  gaps: number;
  /** Send-to-ack time of the publisher's messages: the store and publish path alone. */
  ackLatency: { pairs: number[]; max: number };
}

export interface CollectReport {
  op: 'collected';
  step: number;
  subscribers: number;
  /** Events of this step received, duplicates included. */
  received: number;
  lost: number;
  duplicated: number;
  reordered: number;
  /** Subscribers whose socket closed during the step, and the close codes seen. */
  disconnected: number;
  closeCodes: Record<string, number>;
  firstReceiveAt: number;
  lastReceiveAt: number;
  latency: { pairs: number[]; max: number };
  /** CPU this generator process used during the step (ms of user + system). */
  cpuMs: number;
  wallMs: number;
}

export type FromGenerator =
  | { op: 'ready' }
  | ConnectReport
  | { op: 'publishing'; step: number; at: number }
  | { op: 'settled'; waitedMs: number; resetPublisher: boolean; head: number | null }
  | PublishReport
  | CollectReport
  | { op: 'fatal'; message: string };
