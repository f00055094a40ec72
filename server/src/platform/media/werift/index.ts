/**
 * The in-process SFU on werift. Publishers send VP8 simulcast (rids `h` and `l`) and Opus on
 * one send-only connection; each subscriber gets one receive-only connection with a send-only
 * transceiver per forwarded feed. Packets are forwarded by hand rather than through werift's
 * track relay: each subscriber gets its own copy with its own sequence numbers, timestamps
 * and VP8 picture ids (see `StreamRewriter`), so switching layers or a publisher reconnecting
 * is seamless for the receiver.
 *
 * Bandwidth: werift's transport-cc feedback makes Chromium's estimate stall near 240 kbps, so
 * transport-cc is not negotiated with publishers. Instead we send REMB with a generous
 * bitrate each second and give a start bitrate in the answer, so Chromium sends both layers
 * at its configured rates from the first seconds.
 */
import {
  ReceiverEstimatedMaxBitrate,
  RTCPeerConnection,
  RtcpPayloadSpecificFeedback,
  useAbsSendTime,
  useFIR,
  useNACK,
  useOPUS,
  usePLI,
  useREMB,
  useRepairedRtpStreamId,
  useSdesMid,
  useSdesRTPStreamId,
  useVP8,
  type MediaStreamTrack,
  type PeerConfig,
  type RTCRtpReceiver,
  type RTCRtpSender,
  type RTCRtpTransceiver,
  type RtcpPacket,
  type RtpPacket,
} from 'werift';
import { AppError, notFound } from '../../errors.ts';
import type { Layer, MediaKind, PublishResult, SfuAdapter, SfuEvent, SfuStats, SubscribedStream, SubscriptionOffer } from '../sfu.ts';
import { StreamRewriter } from './rewriter.ts';
import { readVp8, type Vp8Descriptor } from './vp8.ts';

export interface WeriftSfuOptions {
  /**
   * Extra host addresses offered as ICE candidates besides the machine's interfaces: the
   * loopback address for tests and same-machine clients (werift skips it by default), or a
   * public address on a host behind 1:1 NAT.
   */
  announcedAddresses?: string[];
}

/** REMB value sent to publishers: above what Chromium's simulcast of a camera asks for. */
const REMB_BPS = 5_000_000;
const REMB_EVERY_MS = 1000;
/** Chromium starts its estimate here instead of 300 kbps, so the high layer is on at once. */
const START_KBPS = 1500;
/** Keyframe requests per publisher layer are coalesced to one per this interval. */
const PLI_MIN_INTERVAL_MS = 300;
/** A subscriber waiting this long for its chosen layer takes a keyframe of any layer. */
const LAYER_FALLBACK_MS = 1500;
const GATHER_TIMEOUT_MS = 5000;
/**
 * werift notices a closed browser connection only when ICE consent fails (≈25 s here). A
 * browser always sends RTP while publishing (black frames and silence when muted) and RTCP
 * reports while receiving, so this long a silence means it is gone.
 */
const SILENCE_GONE_MS = 5000;
const WATCHDOG_EVERY_MS = 1000;
/** RTCP payload-specific feedback format of a Full Intra Request (RFC 5104). */
const FIR_FMT = 4;

type PcState = 'closed' | 'disconnected' | 'new' | 'connected' | 'failed' | 'connecting';

function layerOfRid(rid: string | undefined): Layer {
  return rid === 'l' ? 'low' : 'high';
}

interface LayerSource {
  ssrc: number | null;
  receiver: RTCRtpReceiver;
  lastPliAt: number;
  pliTimer: NodeJS.Timeout | null;
}

class Room {
  readonly publishers = new Map<string, Publisher>();
  readonly subscribers = new Map<string, Subscriber>();
  constructor(readonly id: string) {}
}

/** Forwards one publisher feed (one kind) to one subscriber's transceiver. */
class Sink {
  readonly rewriter: StreamRewriter;
  /** The quality asked for, and the one being forwarded (null until a keyframe starts it). */
  target: Layer = 'high';
  active: Layer | null = null;
  waitingSince = Date.now();
  ready = false;

  constructor(
    readonly kind: MediaKind,
    readonly publisherId: string,
    readonly transceiver: RTCRtpTransceiver,
    readonly subscriber: Subscriber,
  ) {
    // A reused transceiver keeps its rewriter, so its stream continues across feeds.
    let rewriter = rewriters.get(transceiver);
    if (!rewriter) {
      rewriter = new StreamRewriter(kind === 'audio' ? 48000 : 90000);
      rewriters.set(transceiver, rewriter);
    }
    rewriter.reset();
    this.rewriter = rewriter;
  }

  get sender(): RTCRtpSender {
    return this.transceiver.sender;
  }

  /** Start over at the next keyframe (new publisher connection, or forwarding resumed). */
  restart(): void {
    this.active = null;
    this.waitingSince = Date.now();
    this.rewriter.reset();
  }

  pushAudio(packet: RtpPacket, now: number): void {
    if (!this.ready) return;
    this.send(this.rewriter.rewrite(packet, null, now));
  }

  pushVideo(layer: Layer, packet: RtpPacket, vp8: Vp8Descriptor | null, now: number): void {
    if (!this.ready) return;
    if (layer !== this.active) {
      if (!vp8?.keyframe) return;
      const wanted = layer === this.target;
      const fallback = this.active === null && now - this.waitingSince > LAYER_FALLBACK_MS;
      if (!wanted && !fallback) return;
      this.active = layer;
    }
    this.send(this.rewriter.rewrite(packet, vp8, now));
  }

  private send(packet: RtpPacket): void {
    const now = Date.now();
    if (now - this.subscriber.lastSentAt > WATCHDOG_EVERY_MS) this.subscriber.sendingSince = now;
    this.subscriber.lastSentAt = now;
    this.sender.sendRtp(packet).catch(() => {
      // A closing transport rejects; the subscriber's teardown handles the rest.
    });
  }
}

class Publisher {
  readonly layers = new Map<Layer, LayerSource>();
  readonly sinks = { audio: new Set<Sink>(), video: new Set<Sink>() };
  readonly forwarding = { audio: true, video: true };
  audioSsrc: number | null = null;
  rembTimer: NodeJS.Timeout | null = null;
  /** Last RTP from the browser, 0 before the connection is up. */
  lastPacketAt = 0;
  /** Set when we close it, so the close is not reported as the publisher going away. */
  closing = false;
  readonly transports = new Set<DtlsTransport>();

  constructor(
    readonly room: Room,
    readonly id: string,
    readonly pc: RTCPeerConnection,
  ) {}

  hasLayer(layer: Layer): boolean {
    return this.layers.get(layer)?.ssrc != null;
  }

  onVideo(layer: Layer, packet: RtpPacket): void {
    this.lastPacketAt = Date.now();
    const source = this.layers.get(layer);
    if (source) source.ssrc = packet.header.ssrc;
    if (!this.forwarding.video || this.sinks.video.size === 0) return;
    const vp8 = readVp8(packet.payload);
    const now = Date.now();
    for (const sink of this.sinks.video) {
      // A subscriber whose chosen layer is not being sent (yet) follows the one that is.
      if (sink.active === null && !this.hasLayer(sink.target)) sink.waitingSince = 0;
      sink.pushVideo(layer, packet, vp8, now);
      if (sink.active === null) this.requestKeyframe(sink.target);
    }
  }

  onAudio(packet: RtpPacket): void {
    this.lastPacketAt = Date.now();
    this.audioSsrc = packet.header.ssrc;
    if (!this.forwarding.audio) return;
    const now = Date.now();
    for (const sink of this.sinks.audio) sink.pushAudio(packet, now);
  }

  /** Asks the publisher's browser for a keyframe on a layer, at most once per interval. */
  requestKeyframe(layer: Layer): void {
    const source = this.layers.get(layer) ?? this.layers.get(layer === 'high' ? 'low' : 'high');
    if (!source || source.ssrc == null || source.pliTimer) return;
    const wait = source.lastPliAt + PLI_MIN_INTERVAL_MS - Date.now();
    const send = () => {
      source.pliTimer = null;
      source.lastPliAt = Date.now();
      if (source.ssrc != null) void source.receiver.sendRtcpPLI(source.ssrc);
    };
    if (wait <= 0) send();
    else source.pliTimer = setTimeout(send, wait);
  }

  sendRemb(): void {
    const ssrcs = [...this.layers.values()].flatMap((l) => (l.ssrc == null ? [] : [l.ssrc]));
    const receiver = this.layers.values().next().value?.receiver;
    if (!receiver || ssrcs.length === 0) return;
    let mantissa = REMB_BPS;
    let exp = 0;
    while (mantissa >= 1 << 18) {
      mantissa >>= 1;
      exp++;
    }
    const remb = new ReceiverEstimatedMaxBitrate({
      senderSsrc: receiver.rtcpSsrc,
      mediaSsrc: 0,
      brExp: exp,
      brMantissa: mantissa,
      ssrcNum: ssrcs.length,
      ssrcFeedbacks: ssrcs,
    });
    const packet: RtcpPacket = new RtcpPayloadSpecificFeedback({ feedback: remb });
    receiver.dtlsTransport?.sendRtcp([packet]).catch(() => {});
  }

  close(): Promise<void> {
    this.closing = true;
    if (this.rembTimer) clearInterval(this.rembTimer);
    for (const l of this.layers.values()) if (l.pliTimer) clearTimeout(l.pliTimer);
    return closePeer(this.pc, this.transports);
  }
}

class Subscriber {
  /** Sinks by mid; mids of removed feeds stay stopped in the SDP. */
  readonly sinks = new Map<string, Sink>();
  /**
   * Transceivers of feeds no longer wanted, kept inactive and reused for the next feed of
   * that kind: stopping one would reject its m-line, and rejecting the BUNDLE tag's m-line
   * breaks the transport Chromium receives everything on.
   */
  readonly idle = { audio: [] as RTCRtpTransceiver[], video: [] as RTCRtpTransceiver[] };
  pendingOffer = false;
  closing = false;
  /** Start of the current run of packets sent without a pause. */
  sendingSince = 0;
  lastSentAt = 0;
  lastRtcpAt = 0;
  /** Renegotiations of one subscriber run one after another. */
  chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly room: Room,
    readonly id: string,
    readonly pc: RTCPeerConnection,
  ) {}

  /** Every transport the connection's transceivers have had, including ones BUNDLE dropped. */
  readonly transports = new Set<DtlsTransport>();

  close(): Promise<void> {
    this.closing = true;
    return closePeer(this.pc, this.transports);
  }
}

type DtlsTransport = RTCRtpTransceiver['dtlsTransport'];

function noteTransports(pc: RTCPeerConnection, into: Set<DtlsTransport>): void {
  for (const t of pc.getTransceivers()) if (t.dtlsTransport) into.add(t.dtlsTransport);
}

/**
 * When an answer accepts BUNDLE, werift moves the other m-lines onto the first one's transport
 * and leaves their own transports running, so `pc.close()` no longer reaches them: their UDP
 * sockets would stay open for good and keep the process alive. They are stopped here, and the
 * close is awaited so that a closed SFU has released its sockets.
 */
async function closePeer(pc: RTCPeerConnection, transports: Set<DtlsTransport>): Promise<void> {
  noteTransports(pc, transports);
  await pc.close().catch(() => {});
  await Promise.allSettled([...transports].map((t) => t.stop()));
  transports.clear();
}

/** Stops the transports no m-line uses any more (replaced by the BUNDLE transport). */
async function stopOrphanTransports(pc: RTCPeerConnection, transports: Set<DtlsTransport>): Promise<void> {
  const live = new Set(pc.getTransceivers().map((t) => t.dtlsTransport));
  const orphans = [...transports].filter((t) => !live.has(t));
  for (const t of orphans) transports.delete(t);
  await Promise.allSettled(orphans.map((t) => t.stop()));
}

function baseConfig(addresses: string[]): Partial<PeerConfig> {
  return {
    // werift's default is a public STUN server; an SFU only needs its host candidates.
    iceServers: [],
    iceAdditionalHostAddresses: addresses,
    iceUseIpv6: false,
  };
}

export class WeriftSfu implements SfuAdapter {
  readonly name = 'werift' as const;
  private readonly rooms = new Map<string, Room>();
  private readonly listeners: ((event: SfuEvent) => void)[] = [];
  private readonly addresses: string[];

  private watchdog: NodeJS.Timeout | null = null;
  /** Connections being closed, also those dropped by the watchdog: `close()` waits for them. */
  private readonly closings = new Set<Promise<void>>();

  constructor(options: WeriftSfuOptions = {}) {
    this.addresses = options.announcedAddresses ?? ['127.0.0.1'];
  }

  async start(): Promise<void> {
    // werift opens a UDP socket per connection; only the silence watchdog runs here.
    this.watchdog ??= setInterval(() => this.checkSilence(), WATCHDOG_EVERY_MS);
    this.watchdog.unref();
  }

  private checkSilence(): void {
    const now = Date.now();
    for (const room of this.rooms.values()) {
      for (const p of [...room.publishers.values()]) {
        if (p.lastPacketAt > 0 && now - p.lastPacketAt > SILENCE_GONE_MS) this.publisherGone(p);
      }
      for (const s of [...room.subscribers.values()]) {
        // Only while we are sending to it: with nothing to receive a browser sends no reports.
        const sending = now - s.lastSentAt < WATCHDOG_EVERY_MS && now - s.sendingSince > SILENCE_GONE_MS;
        if (sending && now - s.lastRtcpAt > SILENCE_GONE_MS) this.subscriberGone(s);
      }
    }
  }

  private publisherGone(publisher: Publisher): void {
    if (publisher.closing) return;
    void this.dropPublisher(publisher);
    this.emit({ type: 'publisher_gone', roomId: publisher.room.id, publisherId: publisher.id });
  }

  private subscriberGone(subscriber: Subscriber): void {
    if (subscriber.closing) return;
    void this.dropSubscriber(subscriber);
    this.emit({ type: 'subscriber_gone', roomId: subscriber.room.id, subscriberId: subscriber.id });
  }

  async openRoom(roomId: string): Promise<void> {
    if (!this.rooms.has(roomId)) this.rooms.set(roomId, new Room(roomId));
  }

  async closeRoom(roomId: string): Promise<void> {
    const room = this.rooms.get(roomId);
    if (!room) return;
    this.rooms.delete(roomId);
    for (const s of room.subscribers.values()) void this.closing(s);
    for (const p of room.publishers.values()) void this.closing(p);
    await Promise.allSettled([...this.closings]);
  }

  async publish(roomId: string, publisherId: string, offerSdp: string): Promise<PublishResult> {
    const room = this.room(roomId);
    const pc = new RTCPeerConnection({
      ...baseConfig(this.addresses),
      codecs: {
        audio: [useOPUS()],
        video: [useVP8({ rtcpFeedback: [useNACK(), usePLI(), useFIR(), useREMB()] })],
      },
      headerExtensions: {
        audio: [useSdesMid()],
        video: [useSdesMid(), useSdesRTPStreamId(), useRepairedRtpStreamId()],
      },
    });
    const publisher = new Publisher(room, publisherId, pc);

    pc.onTransceiverAdded.subscribe((t) => this.wirePublisherTransceiver(publisher, t));
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
      for (const t of pc.getTransceivers()) this.wirePublisherTransceiver(publisher, t);
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      noteTransports(pc, publisher.transports);
      await gathered(pc);
    } catch (err) {
      await this.closing(publisher);
      throw new AppError('bad_request', `Cannot accept this offer: ${(err as Error).message}`);
    }
    const sdp = pc.localDescription?.sdp;
    if (!sdp) {
      await this.closing(publisher);
      throw new AppError('bad_request', 'Cannot accept this offer');
    }

    const previous = room.publishers.get(publisherId);
    room.publishers.set(publisherId, publisher);
    if (previous) {
      // Subscribers keep their transceivers; they move to the new connection's packets.
      for (const kind of ['audio', 'video'] as const) {
        for (const sink of previous.sinks[kind]) {
          sink.restart();
          publisher.sinks[kind].add(sink);
        }
      }
      publisher.forwarding.audio = previous.forwarding.audio;
      publisher.forwarding.video = previous.forwarding.video;
      void this.closing(previous);
    }

    publisher.rembTimer = setInterval(() => publisher.sendRemb(), REMB_EVERY_MS);
    pc.connectionStateChange.subscribe((state: PcState) => {
      if (state === 'connected') publisher.sendRemb();
      if (state === 'failed' || state === 'closed') this.publisherGone(publisher);
    });
    return { answerSdp: tunePublisherAnswer(sdp) };
  }

  async unpublish(roomId: string, publisherId: string): Promise<void> {
    const room = this.rooms.get(roomId);
    const publisher = room?.publishers.get(publisherId);
    if (publisher) await this.dropPublisher(publisher);
  }

  async subscribe(roomId: string, subscriberId: string, publisherIds: string[]): Promise<SubscriptionOffer> {
    const room = this.room(roomId);
    let subscriber = room.subscribers.get(subscriberId);
    if (!subscriber) {
      const pc = new RTCPeerConnection({
        ...baseConfig(this.addresses),
        codecs: {
          audio: [useOPUS()],
          video: [useVP8({ rtcpFeedback: [useNACK(), usePLI(), useFIR(), useREMB()] })],
        },
        headerExtensions: { audio: [useSdesMid()], video: [useSdesMid(), useAbsSendTime()] },
      });
      const created = new Subscriber(room, subscriberId, pc);
      subscriber = created;
      room.subscribers.set(subscriberId, created);
      pc.connectionStateChange.subscribe((state: PcState) => {
        if (state === 'connected') {
          for (const sink of created.sinks.values()) this.markReady(sink);
        }
        if (state === 'failed' || state === 'closed') this.subscriberGone(created);
      });
    }
    const sub = subscriber;
    const run = sub.chain.then(() => this.renegotiate(sub, publisherIds));
    sub.chain = run.catch(() => {});
    return run;
  }

  async answerSubscription(roomId: string, subscriberId: string, answerSdp: string): Promise<void> {
    const subscriber = this.subscriber(roomId, subscriberId);
    const run = subscriber.chain.then(async () => {
      if (!subscriber.pendingOffer) throw new AppError('invalid_state', 'No subscription offer is waiting for an answer');
      try {
        await subscriber.pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
      } catch (err) {
        throw new AppError('bad_request', `Cannot apply this answer: ${(err as Error).message}`);
      }
      subscriber.pendingOffer = false;
      await stopOrphanTransports(subscriber.pc, subscriber.transports);
      if (subscriber.pc.connectionState === 'connected') {
        for (const sink of subscriber.sinks.values()) this.markReady(sink);
      }
    });
    subscriber.chain = run.catch(() => {});
    return run;
  }

  async leave(roomId: string, subscriberId: string): Promise<void> {
    const subscriber = this.rooms.get(roomId)?.subscribers.get(subscriberId);
    if (subscriber) await this.dropSubscriber(subscriber);
  }

  async setLayer(roomId: string, subscriberId: string, publisherId: string, layer: Layer): Promise<void> {
    const subscriber = this.subscriber(roomId, subscriberId);
    for (const sink of subscriber.sinks.values()) {
      if (sink.kind !== 'video' || sink.publisherId !== publisherId || sink.target === layer) continue;
      sink.target = layer;
      // The switch happens at the new layer's next keyframe; ask for one now.
      subscriber.room.publishers.get(publisherId)?.requestKeyframe(layer);
    }
  }

  async setForwarding(roomId: string, publisherId: string, kind: MediaKind, enabled: boolean): Promise<void> {
    const publisher = this.room(roomId).publishers.get(publisherId);
    if (!publisher || publisher.forwarding[kind] === enabled) return;
    publisher.forwarding[kind] = enabled;
    if (enabled && kind === 'video') {
      for (const sink of publisher.sinks.video) sink.restart();
      for (const layer of publisher.layers.keys()) publisher.requestKeyframe(layer);
    }
  }

  onEvent(listener: (event: SfuEvent) => void): void {
    this.listeners.push(listener);
  }

  stats(): SfuStats {
    let publishers = 0;
    let subscribers = 0;
    let forwardedStreams = 0;
    for (const room of this.rooms.values()) {
      publishers += room.publishers.size;
      subscribers += room.subscribers.size;
      for (const s of room.subscribers.values()) {
        for (const sink of s.sinks.values()) if (room.publishers.has(sink.publisherId)) forwardedStreams++;
      }
    }
    return { rooms: this.rooms.size, publishers, subscribers, forwardedStreams };
  }

  async close(): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    for (const id of [...this.rooms.keys()]) await this.closeRoom(id);
    await Promise.allSettled([...this.closings]);
  }

  // ------------------------------------------------------------------ internals

  private room(roomId: string): Room {
    const room = this.rooms.get(roomId);
    if (!room) throw notFound('Room');
    return room;
  }

  private subscriber(roomId: string, subscriberId: string): Subscriber {
    const subscriber = this.room(roomId).subscribers.get(subscriberId);
    if (!subscriber) throw notFound('Subscription');
    return subscriber;
  }

  private emit(event: SfuEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A listener's failure must not stop the others or the media path.
      }
    }
  }

  private wirePublisherTransceiver(publisher: Publisher, t: RTCRtpTransceiver): void {
    const onTrack = (track: MediaStreamTrack) => {
      if (wiredTracks.has(track)) return;
      wiredTracks.add(track);
      if (track.kind === 'audio') {
        track.onReceiveRtp.subscribe((rtp) => publisher.onAudio(rtp));
        return;
      }
      const layer = layerOfRid(track.rid);
      if (!publisher.layers.has(layer)) {
        publisher.layers.set(layer, { ssrc: null, receiver: t.receiver, lastPliAt: 0, pliTimer: null });
      }
      track.onReceiveRtp.subscribe((rtp) => publisher.onVideo(layer, rtp));
    };
    for (const track of t.receiver.tracks) onTrack(track);
    if (wiredTransceivers.has(t)) return;
    wiredTransceivers.add(t);
    t.onTrack.subscribe(onTrack);
  }

  private markReady(sink: Sink): void {
    if (sink.ready) return;
    sink.ready = true;
    sink.restart();
    if (sink.kind === 'video') sink.subscriber.room.publishers.get(sink.publisherId)?.requestKeyframe(sink.target);
  }

  private async renegotiate(subscriber: Subscriber, publisherIds: string[]): Promise<SubscriptionOffer> {
    const { room, pc } = subscriber;
    if (subscriber.closing) throw notFound('Subscription');
    const wanted = new Set(publisherIds.filter((id) => room.publishers.has(id)));

    // Feeds no longer wanted: their transceivers go idle (inactive) until reused.
    for (const [mid, sink] of subscriber.sinks) {
      if (wanted.has(sink.publisherId)) continue;
      room.publishers.get(sink.publisherId)?.sinks[sink.kind].delete(sink);
      for (const p of room.publishers.values()) p.sinks[sink.kind].delete(sink);
      subscriber.sinks.delete(mid);
      current.delete(sink.transceiver);
      sink.transceiver.setDirection('inactive');
      subscriber.idle[sink.kind].push(sink.transceiver);
    }
    const have = new Set([...subscriber.sinks.values()].map((s) => `${s.publisherId}/${s.kind}`));
    const added: Sink[] = [];
    for (const publisherId of wanted) {
      for (const kind of ['audio', 'video'] as const) {
        if (have.has(`${publisherId}/${kind}`)) continue;
        const reused = subscriber.idle[kind].pop();
        reused?.setDirection('sendonly');
        const transceiver = reused ?? pc.addTransceiver(kind, { direction: 'sendonly' });
        // One stream id for a publisher's audio and video: the browser puts both tracks in one
        // MediaStream (`event.streams[0]`) and lip-syncs them. A reused m-line takes the new id.
        transceiver.sender.streamId = msidOf(publisherId);
        added.push(new Sink(kind, publisherId, transceiver, subscriber));
      }
    }

    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    noteTransports(pc, subscriber.transports);
    await gathered(pc);
    const sdp = pc.localDescription?.sdp;
    if (!sdp) throw new AppError('internal', 'No local description');

    for (const sink of added) {
      const mid = sink.transceiver.mid;
      if (mid == null) continue;
      subscriber.sinks.set(mid, sink);
      current.set(sink.transceiver, sink);
      if (!wiredTransceivers.has(sink.transceiver)) {
        wiredTransceivers.add(sink.transceiver);
        const t = sink.transceiver;
        // Keyframe requests go to whichever feed the transceiver carries at the time.
        const forward = () => {
          const s = current.get(t);
          if (s?.kind === 'video') room.publishers.get(s.publisherId)?.requestKeyframe(s.active ?? s.target);
        };
        t.sender.onPictureLossIndication.subscribe(forward);
        t.sender.onRtcp.subscribe((p: RtcpPacket) => {
          subscriber.lastRtcpAt = Date.now();
          if (p instanceof RtcpPayloadSpecificFeedback && p.feedback.count === FIR_FMT) forward();
        });
      }
      room.publishers.get(sink.publisherId)?.sinks[sink.kind].add(sink);
    }
    subscriber.pendingOffer = true;
    const streams: SubscribedStream[] = [...subscriber.sinks].map(([mid, s]) => ({
      mid,
      publisherId: s.publisherId,
      kind: s.kind,
    }));
    return { offerSdp: sdp, streams };
  }

  private dropPublisher(publisher: Publisher): Promise<void> {
    const { room } = publisher;
    if (room.publishers.get(publisher.id) === publisher) room.publishers.delete(publisher.id);
    return this.closing(publisher);
  }

  private dropSubscriber(subscriber: Subscriber): Promise<void> {
    const { room } = subscriber;
    if (room.subscribers.get(subscriber.id) === subscriber) room.subscribers.delete(subscriber.id);
    for (const sink of subscriber.sinks.values()) {
      for (const p of room.publishers.values()) p.sinks[sink.kind].delete(sink);
    }
    return this.closing(subscriber);
  }

  private closing(peer: Publisher | Subscriber): Promise<void> {
    const done = peer.close();
    this.closings.add(done);
    void done.finally(() => this.closings.delete(done));
    return done;
  }
}

const wiredTransceivers = new WeakSet<RTCRtpTransceiver>();
const rewriters = new WeakMap<RTCRtpTransceiver, StreamRewriter>();
/** The sink a subscriber's transceiver currently carries. */
const current = new WeakMap<RTCRtpTransceiver, Sink>();
const wiredTracks = new WeakSet<MediaStreamTrack>();

/** An msid stream id is 1–64 token characters (RFC 8830); user ids already are, this is a guard. */
function msidOf(publisherId: string): string {
  return publisherId.replace(/[^A-Za-z0-9!#$%&'*+.^_`{|}~-]/g, '_').slice(0, 64) || '_';
}

/** Non-trickle signalling: the SDP we hand out must already list our candidates. */
async function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return;
  await pc.iceGatheringStateChange.watch((s) => s === 'complete', GATHER_TIMEOUT_MS);
}

/**
 * werift copies the offer's feedback types into its answer and drops our format parameters:
 * take transport-cc out (so Chromium estimates from our REMB and losses, not from werift's
 * TWCC feedback) and give VP8 its start bitrate.
 */
function tunePublisherAnswer(sdp: string): string {
  const lines = sdp.split('\r\n').filter((l) => !/^a=rtcp-fb:\d+ transport-cc$/.test(l));
  const out: string[] = [];
  for (const line of lines) {
    out.push(line);
    const vp8 = /^a=rtpmap:(\d+) VP8\/90000$/i.exec(line);
    if (vp8 && !lines.some((l) => l.startsWith(`a=fmtp:${vp8[1]} `))) {
      out.push(`a=fmtp:${vp8[1]} x-google-start-bitrate=${START_KBPS}`);
    }
  }
  return out.join('\r\n');
}
