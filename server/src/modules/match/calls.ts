import type { ChannelEvent, MatchFoundEvent, MatchRingEndedEvent, PublishBody, RtcSignalPublish, UserSummary } from '@tremolo/protocol';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { channelOf, optInRequired, type EndReason, type MatchDeps } from './context.ts';
import type { Eligibilities } from './eligibility.ts';

interface Call {
  id: string;
  a: string;
  b: string;
  source: 'random' | 'shake';
  /** A shake match's video call that one side placed and the other has not answered yet. */
  ring?: { from: string; at: number } | undefined;
  /** The video call of a shake match was answered: later offers are renegotiation, not a new ring. */
  answered?: boolean;
}

type CallsDeps = Pick<MatchDeps, 'realtime' | 'options'> & { eligibility: Eligibilities };

/**
 * Live calls, in this process's memory: who is in a call with whom, the signalling and chat
 * relayed between exactly those two, a shake call's ring, and who met whom recently (who may be
 * reported). Nobody is in two calls at once.
 */
export class Calls {
  private readonly calls = new Map<string, Call>();
  private readonly callOf = new Map<string, string>();
  /** Recent call partners per person (who they may report). */
  private readonly recentPeers = new Map<string, Map<string, number>>();

  constructor(private readonly deps: CallsDeps) {}

  inCall(userId: string): boolean {
    return this.callOf.has(userId);
  }

  /** Starts a call and tells both; false when either is already in one (whoever is free goes back to waiting). */
  start(a: string, b: string, source: Call['source']): boolean {
    if (this.callOf.has(a) || this.callOf.has(b)) return false;
    const call: Call = { id: newId(), a, b, source };
    this.calls.set(call.id, call);
    this.callOf.set(a, call.id);
    this.callOf.set(b, call.id);
    const now = Date.now();
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      let m = this.recentPeers.get(x);
      if (!m) this.recentPeers.set(x, (m = new Map()));
      m.set(y, now);
      if (m.size > 50) m.delete(m.keys().next().value!);
    }
    void this.announce(call).catch(() => this.end(call, 'disconnected'));
    return true;
  }

  /** Ends this person's call, if any: they hear `reason`, the other side `peerReason` (else the same). */
  endOf(userId: string, reason: EndReason, peerReason?: EndReason): void {
    const id = this.callOf.get(userId);
    const call = id && this.calls.get(id);
    if (call) this.end(call, reason, userId, peerReason);
  }

  /** Ends this person's call only if it is with `other` (a report or a block of the person they are talking to). */
  endWith(userId: string, other: string, reason: EndReason): void {
    const call = this.calls.get(this.callOf.get(userId) ?? '');
    if (call && (call.a === other || call.b === other)) this.end(call, reason, userId, 'left');
  }

  wasPeer(userId: string, other: string): boolean {
    return this.recentPeers.get(userId)?.has(other) ?? false;
  }

  /** On the peer's channel: signalling, chat and a decline, only for the live call between exactly these two. */
  mayRelay(userId: string, peerId: string, body: PublishBody): boolean {
    if (body.kind !== 'rtc_signal' && body.kind !== 'match_chat' && body.kind !== 'match_decline') return false;
    const call = this.calls.get(body.callId);
    return !!call && ((call.a === userId && call.b === peerId) || (call.b === userId && call.a === peerId));
  }

  /**
   * Signalling of a call. A shake match is not a video call yet: placing or answering one needs
   * the same 18+ opt-in as 连线, and the first offer rings the other side until they answer,
   * decline, or the ring time passes.
   */
  async signal(userId: string, body: RtcSignalPublish): Promise<ChannelEvent> {
    if (!body.sdp && !body.candidate) throw new AppError('bad_request', 'A signal carries an sdp or a candidate');
    const call = this.calls.get(body.callId);
    if (!call || call.source !== 'shake') return body;
    if (!(await this.deps.eligibility.of(userId)).optedIn)
      throw optInRequired('Confirm you are 18 or older and accept the rules before a video call');
    // The call may have ended while the opt-in was looked up.
    if (this.calls.get(call.id) !== call) throw new AppError('invalid_state', 'The call has ended');
    if (call.answered || !body.sdp) return body;
    if (body.sdp.type === 'offer') {
      if (!call.ring) {
        call.ring = { from: userId, at: Date.now() };
      } else if (call.ring.from !== userId) {
        // Both placed the call at once: each offer answers the other's ring.
        call.ring = undefined;
        call.answered = true;
      }
      return body;
    }
    // An answer: only to a ring from the other side that is still on (not declined, not timed out).
    if (!call.ring || call.ring.from === userId) throw new AppError('invalid_state', 'The video call is no longer ringing');
    call.ring = undefined;
    call.answered = true;
    return body;
  }

  /** The called person turns the ring down; the caller (whose channel this goes to) hears "declined". */
  decline(userId: string, callId: string): MatchRingEndedEvent {
    const call = this.calls.get(callId);
    if (!call?.ring || call.ring.from === userId) throw new AppError('invalid_state', 'No video call is ringing for you');
    call.ring = undefined;
    return { kind: 'match_ring_ended', callId, reason: 'declined' };
  }

  /** Rings older than `ringMs` end with "no answer" to both. */
  expireRings(now: number): void {
    for (const call of this.calls.values()) {
      if (!call.ring || now - call.ring.at < this.deps.options.ringMs) continue;
      call.ring = undefined;
      const ev: MatchRingEndedEvent = { kind: 'match_ring_ended', callId: call.id, reason: 'no_answer' };
      for (const u of [call.a, call.b]) void this.deps.realtime.publish(channelOf(u), ev).catch(() => undefined);
    }
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

  private end(call: Call, reason: EndReason, by?: string, peerReason?: EndReason): void {
    if (this.calls.get(call.id) !== call) return;
    this.calls.delete(call.id);
    this.callOf.delete(call.a);
    this.callOf.delete(call.b);
    for (const u of [call.a, call.b]) {
      const r = u === by ? reason : (peerReason ?? reason);
      void this.deps.realtime.publish(channelOf(u), { kind: 'match_ended', callId: call.id, reason: r }).catch(() => undefined);
    }
  }
}
