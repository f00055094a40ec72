import type { ChannelEvent, MatchFoundEvent, MatchRingEndedEvent, PublishBody, RtcSignalPublish, UserSummary } from '@tremolo/protocol';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { Call, CallStore } from './call-store.ts';
import { channelOf, optInRequired, type EndReason, type MatchDeps } from './context.ts';
import type { Eligibilities } from './eligibility.ts';

type CallsDeps = Pick<MatchDeps, 'realtime' | 'options'> & { eligibility: Eligibilities; store: CallStore };

/**
 * The ring of a shake match's video call after `userId` sends an offer or an answer: the new
 * call value, the same value when nothing changes, or why the signal is refused. Pure.
 */
export function afterSignal(call: Call, userId: string, sdpType: 'offer' | 'answer', now: number): Call | AppError {
  if (call.answered) return call;
  if (sdpType === 'offer') {
    if (!call.ring) return { ...call, ring: { from: userId, at: now } };
    // Both placed the call at once: each offer answers the other's ring.
    if (call.ring.from !== userId) return { ...call, ring: undefined, answered: true };
    return call;
  }
  // An answer: only to a ring from the other side that is still on (not declined, not timed out).
  if (!call.ring || call.ring.from === userId) return new AppError('invalid_state', 'The video call is no longer ringing');
  return { ...call, ring: undefined, answered: true };
}

/**
 * Live calls: who is in a call with whom, the signalling and chat relayed between exactly those
 * two, a shake call's ring, and who met whom recently (who may be reported). Nobody is in two
 * calls at once. The calls are kept in a `CallStore` (memory, or Redis shared by every node), so
 * signalling is accepted on whichever node a person's socket is on and reaches the peer over the bus.
 */
export class Calls {
  constructor(private readonly deps: CallsDeps) {}

  async inCall(userId: string): Promise<boolean> {
    return (await this.deps.store.of(userId)) !== null;
  }

  /** Starts a call and tells both; false when either is already in one. */
  async start(a: string, b: string, source: Call['source'], nodes: [string, string]): Promise<boolean> {
    const { store } = this.deps;
    const call: Call = { id: newId(), a, b, source, nodes };
    if (!(await store.create(call))) return false;
    await store.met(a, b, Date.now());
    void this.announce(call).catch(() => this.end(call, 'disconnected'));
    return true;
  }

  /** Ends this person's call, if any: they hear `reason`, the other side `peerReason` (else the same). */
  async endOf(userId: string, reason: EndReason, peerReason?: EndReason): Promise<void> {
    const call = await this.deps.store.of(userId);
    if (call) await this.end(call, reason, userId, peerReason);
  }

  /** Ends this person's call only if it is with `other` (a report or a block of the person they are talking to). */
  async endWith(userId: string, other: string, reason: EndReason): Promise<void> {
    const call = await this.deps.store.of(userId);
    if (call && (call.a === other || call.b === other)) await this.end(call, reason, userId, 'left');
  }

  wasPeer(userId: string, other: string): Promise<boolean> {
    return this.deps.store.wasPeer(userId, other);
  }

  /** On the peer's channel: signalling, chat and a decline, only for the live call between exactly these two. */
  async mayRelay(userId: string, peerId: string, body: PublishBody): Promise<boolean> {
    if (body.kind !== 'rtc_signal' && body.kind !== 'match_chat' && body.kind !== 'match_decline') return false;
    const call = await this.deps.store.get(body.callId);
    return !!call && ((call.a === userId && call.b === peerId) || (call.b === userId && call.a === peerId));
  }

  /**
   * Signalling of a call. A shake match is not a video call yet: placing or answering one needs
   * the same 18+ opt-in as 连线, and the first offer rings the other side until they answer,
   * decline, or the ring time passes.
   */
  async signal(userId: string, body: RtcSignalPublish): Promise<ChannelEvent> {
    if (!body.sdp && !body.candidate) throw new AppError('bad_request', 'A signal carries an sdp or a candidate');
    const { store } = this.deps;
    const first = await store.get(body.callId);
    if (!first || first.source !== 'shake') return body;
    if (!(await this.deps.eligibility.of(userId)).optedIn)
      throw optInRequired('Confirm you are 18 or older and accept the rules before a video call');
    const sdp = body.sdp;
    for (let attempt = 0; attempt < 10; attempt++) {
      // The call may have ended, or changed on another node, while the opt-in was looked up.
      const call = await store.get(body.callId);
      if (!call) throw new AppError('invalid_state', 'The call has ended');
      if (!sdp) return body;
      const next = afterSignal(call, userId, sdp.type, Date.now());
      if (next instanceof AppError) throw next;
      if (next === call || (await store.replace(call, next))) return body;
    }
    throw new AppError('conflict', 'The call changed meanwhile; try again');
  }

  /** The called person turns the ring down; the caller (whose channel this goes to) hears "declined". */
  async decline(userId: string, callId: string): Promise<MatchRingEndedEvent> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const call = await this.deps.store.get(callId);
      if (!call?.ring || call.ring.from === userId) throw new AppError('invalid_state', 'No video call is ringing for you');
      if (await this.deps.store.replace(call, { ...call, ring: undefined }))
        return { kind: 'match_ring_ended', callId, reason: 'declined' };
    }
    throw new AppError('conflict', 'The call changed meanwhile; try again');
  }

  /** Rings older than `ringMs` end with "no answer" to both (told once, by the node that ended the ring). */
  async expireRings(now: number): Promise<void> {
    const { store, options, realtime } = this.deps;
    for (const call of await store.ringingSince(now - options.ringMs)) {
      if (!call.ring || now - call.ring.at < options.ringMs) continue;
      if (!(await store.replace(call, { ...call, ring: undefined }))) continue;
      const ev: MatchRingEndedEvent = { kind: 'match_ring_ended', callId: call.id, reason: 'no_answer' };
      for (const u of [call.a, call.b]) void realtime.publish(channelOf(u), ev).catch(() => undefined);
    }
  }

  /** A dead node's people are gone: their calls end. */
  async sweepNode(nodeId: string): Promise<void> {
    for (const call of await this.deps.store.onNode(nodeId)) await this.end(call, 'disconnected');
  }

  private async announce(call: Call): Promise<void> {
    const { eligibility, realtime, options } = this.deps;
    const [ea, eb] = await Promise.all([eligibility.of(call.a), eligibility.of(call.b)]);
    const found = (peer: UserSummary, role: MatchFoundEvent['role']): MatchFoundEvent => ({
      kind: 'match_found',
      callId: call.id,
      source: call.source,
      peer,
      role,
      iceServers: options.iceServers,
    });
    await Promise.all([
      realtime.publish(channelOf(call.a), found(eb.summary, 'offerer')),
      realtime.publish(channelOf(call.b), found(ea.summary, 'answerer')),
    ]);
  }

  private async end(call: Call, reason: EndReason, by?: string, peerReason?: EndReason): Promise<void> {
    if (!(await this.deps.store.remove(call))) return;
    for (const u of [call.a, call.b]) {
      const r = u === by ? reason : (peerReason ?? reason);
      void this.deps.realtime.publish(channelOf(u), { kind: 'match_ended', callId: call.id, reason: r }).catch(() => undefined);
    }
  }
}
