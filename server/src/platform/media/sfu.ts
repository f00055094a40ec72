/**
 * The contract between the rooms module and a selective forwarding unit. Two implementations:
 * werift inside this process (the default) and Janus's VideoRoom plugin over its WebSocket API
 * (`MEDIA=janus`, `JANUS_URL`). The rooms module decides who may publish and what each person
 * receives; an adapter only moves media and never makes a permission decision.
 *
 * Signalling is non-trickle: every SDP passed in or returned carries its ICE candidates, so a
 * browser waits for `iceGatheringState === 'complete'` (or a short timeout) before sending.
 *
 * Each publisher has one send-only connection (audio + video, the video in two qualities:
 * simulcast rids `h` and `l`, or a second low-resolution track). Each subscriber has one
 * receive-only connection carrying every feed it watches; changing the set renegotiates it
 * with a new offer from the SFU.
 */
export type MediaKind = 'audio' | 'video';
export type Layer = 'high' | 'low';

export interface PublishResult {
  answerSdp: string;
}

/** One m-line of a subscriber's connection and the feed it carries. */
export interface SubscribedStream {
  mid: string;
  publisherId: string;
  kind: MediaKind;
}

export interface SubscriptionOffer {
  offerSdp: string;
  streams: SubscribedStream[];
}

export interface SfuStats {
  rooms: number;
  publishers: number;
  subscribers: number;
  /** Publisher tracks forwarded to subscribers, summed over subscribers. */
  forwardedStreams: number;
}

export type SfuEvent =
  /** A publisher's connection failed or closed without `unpublish` (tab closed, network lost). */
  | { type: 'publisher_gone'; roomId: string; publisherId: string }
  /** A subscriber's connection failed or closed without `leave`. */
  | { type: 'subscriber_gone'; roomId: string; subscriberId: string }
  /**
   * The room's media was on a node that died or left (several werift nodes): every connection
   * in it is gone, and the next publish or subscribe opens it again on a live node.
   */
  | { type: 'room_moved'; roomId: string };

export interface SfuAdapter {
  readonly name: 'werift' | 'janus';
  /** Connects to the media server (Janus) or prepares sockets (werift); called once at start. */
  start(): Promise<void>;
  openRoom(roomId: string): Promise<void>;
  /** Ends every connection in the room. */
  closeRoom(roomId: string): Promise<void>;
  /** Accepts a publisher's offer; publishing again replaces the previous connection. */
  publish(roomId: string, publisherId: string, offerSdp: string): Promise<PublishResult>;
  unpublish(roomId: string, publisherId: string): Promise<void>;
  /**
   * Creates or renegotiates the subscriber's receive connection so that it carries exactly
   * these publishers' feeds; returns the SFU's offer, answered with `answerSubscription`.
   */
  subscribe(roomId: string, subscriberId: string, publisherIds: string[]): Promise<SubscriptionOffer>;
  answerSubscription(roomId: string, subscriberId: string, answerSdp: string): Promise<void>;
  /** Closes the subscriber's receive connection. */
  leave(roomId: string, subscriberId: string): Promise<void>;
  /** Chooses which quality of a publisher's video a subscriber receives. */
  setLayer(roomId: string, subscriberId: string, publisherId: string, layer: Layer): Promise<void>;
  /** Server-side mute: while disabled, nothing of that kind from the publisher reaches anyone. */
  setForwarding(roomId: string, publisherId: string, kind: MediaKind, enabled: boolean): Promise<void>;
  onEvent(listener: (event: SfuEvent) => void): void;
  stats(): SfuStats;
  close(): Promise<void>;
}
