/**
 * SfuAdapter over Janus's VideoRoom plugin (`MEDIA=janus`, `JANUS_URL`). Janus must run with
 * `string_ids = true` in janus.plugin.videoroom.jcfg (see ./config): our room and person ids are
 * used as Janus room and feed ids unchanged, so several app nodes sharing a Janus agree on them.
 *
 * One Janus session per adapter; one handle per publisher (joinandconfigure with the offer) and
 * one multistream subscriber handle per subscriber (join → offer, start ← answer, update for
 * changes). Subscriber handles join with `autoupdate: false`: a renegotiation only ever happens
 * when the rooms module asks for one, because the contract has no way to push an unsolicited
 * offer to the browser.
 */
import { JanusConnection, JanusError, JANUS_UNAVAILABLE, type JanusMessage, type Jsep, type PluginReply } from './connection.ts';
import { offeredMedia, ridOrder } from './sdp.ts';
import type { Layer, MediaKind, PublishResult, SfuAdapter, SfuEvent, SfuStats, SubscribedStream, SubscriptionOffer } from '../sfu.ts';

export interface JanusSfuOptions {
  /** `ws://host:8188` (or `ws+unix:///path/to/socket:/` for a Janus in a network namespace). */
  url: string;
  /** VideoRoom `admin_key`, when janus.plugin.videoroom.jcfg sets one. */
  adminKey?: string;
  /** Secret given to the rooms this adapter creates; needed again to moderate and destroy them. */
  roomSecret?: string;
  requestTimeoutMs?: number;
  log?: (message: string) => void;
}

/** VideoRoom error codes (janus_videoroom.c) we act on. */
const NO_SUCH_ROOM = 426;
const ROOM_EXISTS = 427;
const NO_SUCH_FEED = 428;

/** How long a subscribe waits for a just-published feed to connect before leaving it out. */
const PUBLISHER_UP_MS = 10_000;

/** Longer than Chromium's minimum interval between keyframes sent on request (300 ms). */
const KEYFRAME_RETRY_MS = 400;

const ROOM_SETTINGS = {
  publishers: 9,
  bitrate: 2_500_000,
  fir_freq: 10,
  audiocodec: 'opus',
  videocodec: 'vp8',
  notify_joining: false,
  is_private: true,
  permanent: false,
} as const;

interface Publisher {
  roomId: string;
  id: string;
  handle: number;
  media: { mid: string; kind: MediaKind; layers: number }[];
  generation: number;
  /** Set when we end it ourselves, so its hangup is not reported as `publisher_gone`. */
  closing: boolean;
  /** Janus refuses subscriptions to a feed until its PeerConnection is up (`webrtcup`). */
  up: Promise<boolean>;
  markUp: (up: boolean) => void;
}

interface SubscriberStream extends SubscribedStream {
  /** The publisher's own mid this m-line carries (a publisher may send two video tracks). */
  feedMid: string;
}

interface Subscriber {
  roomId: string;
  id: string;
  handle: number;
  streams: SubscriberStream[];
  /** Publisher generation each feed was subscribed at; a republished feed must be re-added. */
  feeds: Map<string, number>;
  layers: Map<string, Layer>;
  closing: boolean;
  /** Resolves the next unsolicited `updated` offer (Janus postpones an update mid-negotiation). */
  awaitingOffer: ((reply: PluginReply) => void) | null;
}

interface Room {
  publishers: Map<string, Publisher>;
  subscribers: Map<string, Subscriber>;
}

type HandleOwner = { kind: 'publisher'; value: Publisher } | { kind: 'subscriber'; value: Subscriber };

export class JanusSfu implements SfuAdapter {
  readonly name = 'janus' as const;
  private readonly conn: JanusConnection;
  /** A handle for room-level requests (create, destroy, moderate, listparticipants). */
  private control: number | null = null;
  private readonly rooms = new Map<string, Room>();
  private readonly handles = new Map<number, HandleOwner>();
  private readonly generations = new Map<string, number>();
  /** Server-side mutes, kept across republishing. */
  private readonly disabled = new Map<string, Set<MediaKind>>();
  private readonly listeners: ((event: SfuEvent) => void)[] = [];
  private readonly locks = new Map<string, Promise<unknown>>();
  private generationCounter = 0;

  constructor(private readonly opts: JanusSfuOptions) {
    this.conn = new JanusConnection(
      opts.url,
      {
        onSessionLost: () => this.onSessionLost(),
        onHandleMessage: (handle, message) => this.onHandleMessage(handle, message),
        ...(opts.log ? { log: opts.log } : {}),
      },
      opts.requestTimeoutMs,
    );
  }

  async start(): Promise<void> {
    await this.conn.start();
    this.control = await this.conn.attach();
  }

  async close(): Promise<void> {
    for (const room of this.rooms.values()) {
      for (const p of room.publishers.values()) p.closing = true;
      for (const s of room.subscribers.values()) s.closing = true;
    }
    this.rooms.clear();
    this.handles.clear();
    // Destroying the session frees every handle; rooms stay for other nodes sharing this Janus.
    await this.conn.close();
  }

  onEvent(listener: (event: SfuEvent) => void): void {
    this.listeners.push(listener);
  }

  async openRoom(roomId: string): Promise<void> {
    await this.ensureRoom(roomId);
  }

  async closeRoom(roomId: string): Promise<void> {
    const room = this.rooms.get(roomId);
    this.rooms.delete(roomId);
    const detaching: Promise<void>[] = [];
    if (room) {
      for (const p of room.publishers.values()) {
        p.closing = true;
        this.bumpGeneration(roomId, p.id);
        detaching.push(this.detach(p.handle));
      }
      for (const s of room.subscribers.values()) {
        s.closing = true;
        detaching.push(this.detach(s.handle));
      }
    }
    await Promise.all(detaching);
    for (const key of this.disabled.keys()) if (key.startsWith(`${roomId}\u0000`)) this.disabled.delete(key);
    try {
      await this.conn.message(await this.controlHandle(), { request: 'destroy', room: roomId, ...this.secret() });
    } catch (e) {
      if (!(e instanceof JanusError && e.code === NO_SUCH_ROOM)) throw e;
    }
  }

  async publish(roomId: string, publisherId: string, offerSdp: string): Promise<PublishResult> {
    return this.locked(`p\u0000${roomId}\u0000${publisherId}`, async () => {
      const room = await this.ensureRoom(roomId);
      const previous = room.publishers.get(publisherId);
      if (previous) await this.endPublisher(room, previous);

      const media = offeredMedia(offerSdp);
      const rids = media.find((m) => m.kind === 'video' && m.rids.length > 1)?.rids ?? [];
      const handle = await this.conn.attach();
      const publisher: Publisher = {
        roomId,
        id: publisherId,
        handle,
        media: media.map((m) => ({ mid: m.mid, kind: m.kind, layers: Math.max(1, m.rids.length) })),
        generation: this.bumpGeneration(roomId, publisherId),
        closing: false,
        up: Promise.resolve(false),
        markUp: () => undefined,
      };
      publisher.up = new Promise<boolean>((resolve) => {
        publisher.markUp = resolve;
      });
      this.handles.set(handle, { kind: 'publisher', value: publisher });
      const jsep: Jsep = { type: 'offer', sdp: offerSdp, trickle: false };
      if (rids.length > 1) jsep.rid_order = ridOrder(rids);
      try {
        const reply = await this.conn.message(
          handle,
          { request: 'joinandconfigure', ptype: 'publisher', room: roomId, id: publisherId, audio: true, video: true },
          jsep,
        );
        if (reply.jsep?.type !== 'answer') throw new JanusError(JANUS_UNAVAILABLE, 'Janus returned no answer to the publisher offer');
        room.publishers.set(publisherId, publisher);
        const muted = this.disabled.get(forwardingKey(roomId, publisherId));
        for (const kind of muted ?? []) await this.moderate(publisher, kind, true);
        return { answerSdp: reply.jsep.sdp };
      } catch (e) {
        publisher.closing = true;
        this.handles.delete(handle);
        await this.detach(handle);
        throw e;
      }
    });
  }

  async unpublish(roomId: string, publisherId: string): Promise<void> {
    await this.locked(`p\u0000${roomId}\u0000${publisherId}`, async () => {
      const room = this.rooms.get(roomId);
      const publisher = room?.publishers.get(publisherId);
      if (room && publisher) await this.endPublisher(room, publisher);
    });
  }

  async subscribe(roomId: string, subscriberId: string, publisherIds: string[]): Promise<SubscriptionOffer> {
    return this.locked(`s\u0000${roomId}\u0000${subscriberId}`, async () => {
      const room = await this.ensureRoom(roomId);
      const wanted = [...new Set(publisherIds)];
      const existing = room.subscribers.get(subscriberId);
      if (!existing) return this.newSubscription(room, roomId, subscriberId, wanted);
      return this.updateSubscription(existing, wanted);
    });
  }

  async answerSubscription(roomId: string, subscriberId: string, answerSdp: string): Promise<void> {
    // Not behind the subscribe lock: a postponed update waits for exactly this answer.
    const sub = this.rooms.get(roomId)?.subscribers.get(subscriberId);
    if (!sub) throw new JanusError(NO_SUCH_FEED, `no subscription for ${subscriberId} in room ${roomId}`);
    await this.conn.message(sub.handle, { request: 'start' }, { type: 'answer', sdp: answerSdp, trickle: false });
    // New m-lines start at Janus's default (the highest layer): restore what was chosen.
    for (const [publisherId, layer] of sub.layers) await this.configureLayer(sub, publisherId, layer).catch(() => undefined);
  }

  async leave(roomId: string, subscriberId: string): Promise<void> {
    await this.locked(`s\u0000${roomId}\u0000${subscriberId}`, async () => {
      const room = this.rooms.get(roomId);
      const sub = room?.subscribers.get(subscriberId);
      if (!room || !sub) return;
      sub.closing = true;
      room.subscribers.delete(subscriberId);
      this.handles.delete(sub.handle);
      await this.detach(sub.handle);
    });
  }

  async setLayer(roomId: string, subscriberId: string, publisherId: string, layer: Layer): Promise<void> {
    const sub = this.rooms.get(roomId)?.subscribers.get(subscriberId);
    if (!sub) throw new JanusError(NO_SUCH_FEED, `no subscription for ${subscriberId} in room ${roomId}`);
    sub.layers.set(publisherId, layer);
    await this.configureLayer(sub, publisherId, layer);
  }

  async setForwarding(roomId: string, publisherId: string, kind: MediaKind, enabled: boolean): Promise<void> {
    const key = forwardingKey(roomId, publisherId);
    const set = this.disabled.get(key) ?? new Set<MediaKind>();
    if (enabled) set.delete(kind);
    else set.add(kind);
    if (set.size > 0) this.disabled.set(key, set);
    else this.disabled.delete(key);
    const publisher = this.rooms.get(roomId)?.publishers.get(publisherId);
    if (publisher) await this.moderate(publisher, kind, !enabled);
  }

  stats(): SfuStats {
    let publishers = 0;
    let subscribers = 0;
    let forwardedStreams = 0;
    for (const room of this.rooms.values()) {
      publishers += room.publishers.size;
      subscribers += room.subscribers.size;
      for (const sub of room.subscribers.values()) {
        for (const s of sub.streams) {
          const p = room.publishers.get(s.publisherId);
          if (p && sub.feeds.get(s.publisherId) === p.generation) forwardedStreams++;
        }
      }
    }
    return { rooms: this.rooms.size, publishers, subscribers, forwardedStreams };
  }

  // ── subscriptions ────────────────────────────────────────────────────────────

  private async newSubscription(room: Room, roomId: string, subscriberId: string, wanted: string[]): Promise<SubscriptionOffer> {
    const feeds = await this.existingFeeds(roomId, wanted);
    if (feeds.length === 0) throw new JanusError(NO_SUCH_FEED, `none of the publishers ${wanted.join(', ')} is publishing`);
    const handle = await this.conn.attach();
    const sub: Subscriber = {
      roomId,
      id: subscriberId,
      handle,
      streams: [],
      feeds: new Map(),
      layers: new Map(),
      closing: false,
      awaitingOffer: null,
    };
    this.handles.set(handle, { kind: 'subscriber', value: sub });
    try {
      const reply = await this.conn.message(handle, {
        request: 'join',
        ptype: 'subscriber',
        room: roomId,
        autoupdate: false,
        streams: feeds.map((feed) => ({ feed })),
      });
      const offer = requireOffer(reply);
      sub.streams = subscribedStreams(reply.data.streams);
      for (const feed of feeds) sub.feeds.set(feed, this.generations.get(forwardingKey(roomId, feed)) ?? 0);
      room.subscribers.set(subscriberId, sub);
      return { offerSdp: offer, streams: sub.streams.map(publicStream) };
    } catch (e) {
      sub.closing = true;
      this.handles.delete(handle);
      await this.detach(handle);
      throw e;
    }
  }

  private async updateSubscription(sub: Subscriber, wanted: string[]): Promise<SubscriptionOffer> {
    const current = (feed: string): boolean => {
      const at = sub.feeds.get(feed);
      return at !== undefined && at === (this.generations.get(forwardingKey(sub.roomId, feed)) ?? 0);
    };
    // A feed that was republished since we subscribed is a new feed under the same id.
    const drop = [...sub.feeds.keys()].filter((feed) => !wanted.includes(feed) || !current(feed));
    const add = await this.existingFeeds(
      sub.roomId,
      wanted.filter((feed) => !current(feed)),
    );
    let reply: PluginReply;
    if (drop.length === 0 && add.length === 0) {
      // Nothing changes, but the caller still needs an offer to answer: an ICE restart gives one.
      reply = await this.conn.message(sub.handle, { request: 'configure', restart: true });
    } else {
      const unsubscribe = sub.streams.filter((s) => drop.includes(s.publisherId)).map((s) => ({ sub_mid: s.mid }));
      const body: Record<string, unknown> = { request: 'update' };
      if (add.length > 0) body.subscribe = add.map((feed) => ({ feed }));
      if (unsubscribe.length > 0) body.unsubscribe = unsubscribe;
      if (add.length === 0 && unsubscribe.length === 0) {
        // Only feeds whose m-lines Janus already removed: nothing to send, renegotiate anyway.
        reply = await this.conn.message(sub.handle, { request: 'configure', restart: true });
      } else {
        reply = await this.conn.message(sub.handle, body);
        if (reply.data.videoroom === 'updating' || !reply.jsep) reply = await this.nextOffer(sub);
      }
    }
    for (const feed of drop) sub.feeds.delete(feed);
    for (const feed of add) sub.feeds.set(feed, this.generations.get(forwardingKey(sub.roomId, feed)) ?? 0);
    if (Array.isArray(reply.data.streams)) sub.streams = subscribedStreams(reply.data.streams);
    sub.streams = sub.streams.filter((s) => sub.feeds.has(s.publisherId));
    for (const feed of drop) sub.layers.delete(feed);
    return { offerSdp: requireOffer(reply), streams: sub.streams.map(publicStream) };
  }

  /** Waits for the offer Janus sends once the pending negotiation is answered. */
  private nextOffer(sub: Subscriber): Promise<PluginReply> {
    return new Promise<PluginReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.awaitingOffer = null;
        reject(new JanusError(JANUS_UNAVAILABLE, 'Janus sent no offer for the subscription update'));
      }, this.opts.requestTimeoutMs ?? 15_000);
      sub.awaitingOffer = (reply) => {
        clearTimeout(timer);
        sub.awaitingOffer = null;
        resolve(reply);
      };
    });
  }

  /** Publishers among `feeds` that Janus has in the room (a subscribe to a missing one fails whole). */
  private async existingFeeds(roomId: string, feeds: string[]): Promise<string[]> {
    if (feeds.length === 0) return [];
    const room = this.rooms.get(roomId);
    const local = feeds.map((f) => room?.publishers.get(f));
    if (local.every((p) => p !== undefined)) {
      // The browser got its answer moments ago; give ICE and DTLS the time to finish.
      const up = await Promise.all(local.map((p) => withTimeout(p.up, PUBLISHER_UP_MS, false)));
      return feeds.filter((_, i) => up[i]);
    }
    const reply = await this.conn.message(await this.controlHandle(), { request: 'listparticipants', room: roomId });
    const publishing = new Set<string>();
    if (Array.isArray(reply.data.participants)) {
      for (const p of reply.data.participants) {
        if (isRecord(p) && p.publisher === true && (typeof p.id === 'string' || typeof p.id === 'number')) publishing.add(String(p.id));
      }
    }
    return feeds.filter((f) => publishing.has(f));
  }

  private async configureLayer(sub: Subscriber, publisherId: string, layer: Layer): Promise<void> {
    const videos = sub.streams.filter((s) => s.publisherId === publisherId && s.kind === 'video');
    if (videos.length === 0) return;
    const publisher = this.rooms.get(sub.roomId)?.publishers.get(publisherId);
    // A publisher on another node sharing this Janus is assumed to send the contract's two layers.
    const layers = publisher ? Math.max(...publisher.media.map((m) => (m.kind === 'video' ? m.layers : 1))) : 2;
    let streams: Record<string, unknown>[];
    if (layers > 1 || videos.length === 1) {
      // Janus numbers substreams from the lowest (0) up, whatever the rid order (see sdp.ts). A
      // target above the top substream is never reached (measured: 2 with two layers stays on 0),
      // so high is exactly the top one.
      streams = videos.map((s) => ({ mid: s.mid, substream: layer === 'high' ? layers - 1 : 0, temporal: 2 }));
    } else {
      // Two separate video tracks: the publisher's first is the full one, the other the light one.
      const order = publisher?.media.filter((m) => m.kind === 'video').map((m) => m.mid) ?? [];
      const sorted = [...videos].sort((a, b) => order.indexOf(a.feedMid) - order.indexOf(b.feedMid));
      const keep = layer === 'high' ? sorted[0] : sorted[sorted.length - 1];
      streams = sorted.map((s) => ({ mid: s.mid, send: s === keep }));
    }
    await this.conn.message(sub.handle, { request: 'configure', streams });
    // The switch completes on the new layer's next keyframe. Janus asks for one at once, but
    // Chromium ignores a keyframe request within 300 ms of the previous one, so two switches in
    // quick succession waited for the periodic fir_freq request (measured 5–15 s). Ask again later.
    if (publisher) {
      setTimeout(() => {
        if (publisher.closing) return;
        this.conn.message(publisher.handle, { request: 'configure', keyframe: true }).catch(() => undefined);
      }, KEYFRAME_RETRY_MS).unref();
    }
  }

  // ── publishers ───────────────────────────────────────────────────────────────

  private async moderate(publisher: Publisher, kind: MediaKind, mute: boolean): Promise<void> {
    const control = await this.controlHandle();
    for (const m of publisher.media) {
      if (m.kind !== kind) continue;
      await this.conn.message(control, {
        request: 'moderate',
        room: publisher.roomId,
        id: publisher.id,
        mid: m.mid,
        mute,
        ...this.secret(),
      });
    }
  }

  private async endPublisher(room: Room, publisher: Publisher): Promise<void> {
    publisher.closing = true;
    publisher.markUp(false);
    if (room.publishers.get(publisher.id) === publisher) room.publishers.delete(publisher.id);
    this.bumpGeneration(publisher.roomId, publisher.id);
    this.handles.delete(publisher.handle);
    await this.detach(publisher.handle);
  }

  // ── rooms, handles, events ──────────────────────────────────────────────────

  private async ensureRoom(roomId: string): Promise<Room> {
    const known = this.rooms.get(roomId);
    if (known) return known;
    await this.createRoom(roomId);
    const room = this.rooms.get(roomId) ?? { publishers: new Map(), subscribers: new Map() };
    this.rooms.set(roomId, room);
    return room;
  }

  private async createRoom(roomId: string): Promise<void> {
    try {
      await this.conn.message(await this.controlHandle(), {
        request: 'create',
        room: roomId,
        ...ROOM_SETTINGS,
        ...(this.opts.adminKey ? { admin_key: this.opts.adminKey } : {}),
        ...this.secret(),
      });
    } catch (e) {
      // Another node (or our previous session) created it already.
      if (!(e instanceof JanusError && e.code === ROOM_EXISTS)) throw e;
    }
  }

  private async controlHandle(): Promise<number> {
    if (this.control === null) this.control = await this.conn.attach();
    return this.control;
  }

  private secret(): { secret?: string } {
    return this.opts.roomSecret ? { secret: this.opts.roomSecret } : {};
  }

  private async detach(handle: number): Promise<void> {
    // The handle may already be gone (hangup, session lost); nothing is left to clean then.
    await this.conn.detach(handle).catch(() => undefined);
  }

  private bumpGeneration(roomId: string, publisherId: string): number {
    const g = ++this.generationCounter;
    this.generations.set(forwardingKey(roomId, publisherId), g);
    return g;
  }

  private onHandleMessage(handle: number, message: JanusMessage): void {
    const owner = this.handles.get(handle);
    if (!owner) return;
    if (owner.kind === 'subscriber') {
      const sub = owner.value;
      const data = message.plugindata?.data;
      if (message.janus === 'event' && data?.videoroom === 'updated' && message.jsep && sub.awaitingOffer) {
        sub.awaitingOffer({ data, jsep: message.jsep });
        return;
      }
      if (isGone(message)) this.subscriberGone(sub);
      return;
    }
    if (message.janus === 'webrtcup') owner.value.markUp(true);
    if (isGone(message)) this.publisherGone(owner.value);
  }

  private publisherGone(p: Publisher): void {
    p.markUp(false);
    if (p.closing) return;
    p.closing = true;
    const room = this.rooms.get(p.roomId);
    if (room?.publishers.get(p.id) === p) room.publishers.delete(p.id);
    this.bumpGeneration(p.roomId, p.id);
    this.handles.delete(p.handle);
    void this.detach(p.handle);
    this.emit({ type: 'publisher_gone', roomId: p.roomId, publisherId: p.id });
  }

  private subscriberGone(s: Subscriber): void {
    if (s.closing) return;
    s.closing = true;
    const room = this.rooms.get(s.roomId);
    if (room?.subscribers.get(s.id) === s) room.subscribers.delete(s.id);
    this.handles.delete(s.handle);
    void this.detach(s.handle);
    this.emit({ type: 'subscriber_gone', roomId: s.roomId, subscriberId: s.id });
  }

  private onSessionLost(): void {
    // Janus restarted or dropped our session: every connection in it ended without a goodbye.
    this.control = null;
    for (const [roomId, room] of this.rooms) {
      for (const p of [...room.publishers.values()]) this.publisherGone(p);
      for (const s of [...room.subscribers.values()]) this.subscriberGone(s);
      this.createRoom(roomId).catch((e: unknown) => this.opts.log?.(`could not recreate Janus room ${roomId}: ${String(e)}`));
    }
    this.handles.clear();
  }

  private emit(event: SfuEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (e) {
        this.opts.log?.(`SfuEvent listener failed: ${String(e)}`);
      }
    }
  }

  private async locked<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

function forwardingKey(roomId: string, publisherId: string): string {
  return `${roomId}\u0000${publisherId}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A PeerConnection that ended without us asking: hangup (DTLS alert, ICE failed), or detached. */
function isGone(message: JanusMessage): boolean {
  if (message.janus === 'hangup' || message.janus === 'detached') return true;
  return message.janus === 'event' && message.plugindata?.data.videoroom === 'destroyed';
}

function requireOffer(reply: PluginReply): string {
  if (reply.jsep?.type !== 'offer') throw new JanusError(JANUS_UNAVAILABLE, 'Janus returned no offer for the subscription');
  return reply.jsep.sdp;
}

function subscribedStreams(raw: unknown): SubscriberStream[] {
  if (!Array.isArray(raw)) return [];
  const out: SubscriberStream[] = [];
  for (const s of raw) {
    if (!isRecord(s) || s.active === false) continue;
    const kind = s.type;
    const feed = s.feed_id;
    if ((kind !== 'audio' && kind !== 'video') || typeof s.mid !== 'string') continue;
    if (typeof feed !== 'string' && typeof feed !== 'number') continue;
    out.push({ mid: s.mid, publisherId: String(feed), kind, feedMid: typeof s.feed_mid === 'string' ? s.feed_mid : '' });
  }
  return out;
}

function publicStream(s: SubscriberStream): SubscribedStream {
  return { mid: s.mid, publisherId: s.publisherId, kind: s.kind };
}
