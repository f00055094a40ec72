import { useCallback, useEffect, useRef, useState } from 'react';
import type {
  EventFrame,
  MatchEndedEvent,
  MatchFoundEvent,
  MatchQueuePublish,
  MatchRingEndedEvent,
  MatchStatusEvent,
  PublishBody,
  ShakePublish,
  UserSummary,
} from '@tremolo/protocol';
import { PublishError } from '../../lib/realtime.ts';
import { useSession } from '../../lib/session.tsx';
import { PeerCall, type Signal } from './rtc.ts';

export type Phase = MatchStatusEvent['state'];
export type EndReason = MatchEndedEvent['reason'];
type RingEndReason = MatchRingEndedEvent['reason'];

export interface ActiveCall {
  id: string;
  peer: UserSummary;
  role: MatchFoundEvent['role'];
  source: MatchFoundEvent['source'];
  iceServers: MatchFoundEvent['iceServers'];
  /** Set once the server ended it; the page may keep showing the peer (a shake card). */
  ended: EndReason | null;
}

export interface ChatLine {
  key: string;
  mine: boolean;
  text: string;
}

export interface MatchHandlers {
  onFound?(call: ActiveCall): void;
  onEnded?(call: ActiveCall, reason: EndReason): void;
  onShakeMiss?(): void;
  onBanned?(): void;
  /** The link dropped and came back: the server forgot our place in the queue and any call. */
  onLost?(): void;
  /**
   * A shake match's video call stopped ringing unanswered: `caller` when it was ours (the other
   * side declined or did not answer), otherwise the ring we did not pick up timed out.
   */
  onRingEnded?(call: ActiveCall, reason: RingEndReason, caller: boolean): void;
  /** The server refused our signalling until we confirm 18+ and accept the rules. */
  onOptInRequired?(): void;
}

let cidSeq = 0;
const newCid = () => `m${Date.now().toString(36)}${(cidSeq++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/**
 * The person's `match:<me>` channel and the call on top of it: queue actions and shakes go out
 * there, `match_*` events come back, and signalling and chat of a call travel on the peer's
 * channel. The page decides what to show; this hook keeps the state and the peer connection.
 */
export function useMatch(handlers: MatchHandlers) {
  const { me, realtime } = useSession();
  const [ready, setReady] = useState(false);
  const [phase, setPhase] = useState<Phase>('idle');
  const [call, setCall] = useState<ActiveCall | null>(null);
  const [remote, setRemote] = useState<MediaStream | null>(null);
  const [connection, setConnection] = useState<RTCPeerConnectionState | null>(null);
  const [chat, setChat] = useState<ChatLine[]>([]);
  /** The other side sent an offer we have not answered yet (a shake call ringing). */
  const [incoming, setIncoming] = useState(false);
  const [videoOn, setVideoOn] = useState(false);

  const callRef = useRef<ActiveCall | null>(null);
  const peerRef = useRef<PeerCall | null>(null);
  const bufferRef = useRef<Signal[]>([]);
  /** Our camera, waiting to answer the offer we expect (the answerer of a 连线 call). */
  const answerWithRef = useRef<MediaStream | null>(null);
  /** We placed the video call (made the first offer) rather than answered one. */
  const callerRef = useRef(false);
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;

  const myId = me?.id ?? '';
  const channel = `match:${myId}`;

  const publish = useCallback(
    async (ch: string, body: PublishBody) => {
      if (!realtime) throw new Error('not connected');
      await realtime.publish(ch, newCid(), body);
    },
    [realtime],
  );

  const dropPeer = useCallback(() => {
    peerRef.current?.close();
    peerRef.current = null;
    bufferRef.current = [];
    answerWithRef.current = null;
    callerRef.current = false;
    setRemote(null);
    setConnection(null);
    setIncoming(false);
    setVideoOn(false);
  }, []);

  const startPeer = useCallback(
    (c: ActiveCall, local: MediaStream) => {
      const peer = new PeerCall({
        iceServers: c.iceServers,
        polite: c.role === 'answerer',
        send: (s) =>
          void publish(`match:${c.peer.id}`, { kind: 'rtc_signal', callId: c.id, ...s }).catch((e: unknown) => {
            if (!(e instanceof PublishError) || peerRef.current !== peer) return;
            // Refused for good (no opt-in, the ring is over): this attempt cannot connect.
            if (e.code === 'opt_in_required' || e.code === 'invalid_state') {
              dropPeer();
              if (e.code === 'opt_in_required') handlersRef.current.onOptInRequired?.();
            }
          }),
        onRemoteStream: setRemote,
        onState: setConnection,
      });
      peerRef.current = peer;
      const earlier = bufferRef.current;
      bufferRef.current = [];
      answerWithRef.current = null;
      setIncoming(false);
      setVideoOn(true);
      void peer.start(local, earlier).catch((e: unknown) => console.warn('match: could not start the call', e));
    },
    [publish, dropPeer],
  );

  useEffect(() => {
    if (!realtime || !myId) return;
    let subscribedOnce = false;
    const onEvent = (ev: EventFrame) => {
      const b = ev.body;
      const cur = callRef.current;
      switch (b.kind) {
        case 'match_status':
          setPhase(b.state);
          if (b.banned) handlersRef.current.onBanned?.();
          return;
        case 'match_found': {
          dropPeer();
          const next: ActiveCall = { id: b.callId, peer: b.peer, role: b.role, source: b.source, iceServers: b.iceServers, ended: null };
          callRef.current = next;
          setCall(next);
          setChat([]);
          setPhase('in_call');
          handlersRef.current.onFound?.(next);
          return;
        }
        case 'match_ended': {
          if (!cur || cur.id !== b.callId) return;
          dropPeer();
          const ended = { ...cur, ended: b.reason };
          callRef.current = ended;
          setCall(ended);
          setPhase((p) => (p === 'in_call' ? 'idle' : p));
          handlersRef.current.onEnded?.(ended, b.reason);
          return;
        }
        case 'rtc_signal': {
          if (!cur || cur.ended || b.callId !== cur.id || ev.from !== cur.peer.id) return;
          const s: Signal = { ...(b.sdp ? { sdp: b.sdp } : {}), ...(b.candidate ? { candidate: b.candidate } : {}) };
          const peer = peerRef.current;
          if (peer) {
            void peer.signal(s).catch((e: unknown) => console.warn('match: bad signal', e));
            return;
          }
          // An answer with no call of ours is late (the ring already ended): nothing to apply it to.
          if (s.sdp?.type === 'answer') return;
          // A new offer starts a new attempt: what an earlier, declined one left behind is stale.
          if (s.sdp?.type === 'offer') bufferRef.current = [];
          bufferRef.current.push(s);
          if (s.sdp?.type === 'offer') {
            const local = answerWithRef.current;
            if (local) startPeer(cur, local);
            else setIncoming(true);
          }
          return;
        }
        case 'match_chat': {
          if (!cur || b.callId !== cur.id || ev.from !== cur.peer.id) return;
          setChat((c) => [...c.slice(-49), { key: `${ev.at}:${c.length}`, mine: false, text: b.text }]);
          return;
        }
        case 'match_ring_ended': {
          if (!cur || cur.ended || b.callId !== cur.id) return;
          const caller = callerRef.current;
          dropPeer();
          handlersRef.current.onRingEnded?.(cur, b.reason, caller);
          return;
        }
        case 'shake_miss':
          setPhase((p) => (p === 'shaking' ? 'idle' : p));
          handlersRef.current.onShakeMiss?.();
          return;
        default:
          return;
      }
    };
    const onReady = () => {
      setReady(true);
      if (subscribedOnce) {
        // A new socket: the server took us out of the queue and ended any call when the old one closed.
        dropPeer();
        const cur = callRef.current;
        if (cur && !cur.ended) {
          callRef.current = { ...cur, ended: 'disconnected' };
          setCall(callRef.current);
        }
        setPhase('idle');
        handlersRef.current.onLost?.();
      }
      subscribedOnce = true;
    };
    const off = realtime.subscribe(channel, onEvent, onReady);
    const offStatus = realtime.onStatus((s) => s !== 'open' && setReady(false));
    return () => {
      off();
      offStatus();
      dropPeer();
    };
  }, [realtime, myId, channel, dropPeer, startPeer]);

  const queue = useCallback(
    async (action: MatchQueuePublish['action'], prefs?: { interests: string[]; languages: string[] }) => {
      // "next" may be refused (the skip limit) and then the call goes on: its end comes as match_ended.
      if (action === 'leave') dropPeer();
      await publish(channel, { kind: 'match_queue', action, ...(prefs && action !== 'leave' ? prefs : {}) });
    },
    [publish, channel, dropPeer],
  );

  const shake = useCallback((body: Omit<ShakePublish, 'kind'>) => publish(channel, { kind: 'shake', ...body }), [publish, channel]);

  /**
   * Our camera joins the call. `initiate`: make the offer (or answer one already waiting);
   * otherwise wait for the other side's offer and answer it at once.
   */
  const startVideo = useCallback(
    (local: MediaStream, initiate: boolean) => {
      const c = callRef.current;
      if (!c || c.ended || peerRef.current) return;
      const offered = bufferRef.current.some((s) => s.sdp?.type === 'offer');
      if (initiate || offered) {
        startPeer(c, local);
        callerRef.current = !offered;
      } else answerWithRef.current = local;
    },
    [startPeer],
  );

  const sendChat = useCallback(
    async (text: string) => {
      const c = callRef.current;
      if (!c || c.ended) return;
      await publish(`match:${c.peer.id}`, { kind: 'match_chat', callId: c.id, text });
      setChat((l) => [...l.slice(-49), { key: `me:${Date.now()}:${l.length}`, mine: true, text }]);
    },
    [publish],
  );

  const forget = useCallback(() => {
    dropPeer();
    callRef.current = null;
    setCall(null);
    setChat([]);
  }, [dropPeer]);

  /** Turns down the ringing video call; the caller hears "declined". The match (the card) stays. */
  const declineIncoming = useCallback(async () => {
    const c = callRef.current;
    dropPeer();
    if (c && !c.ended) await publish(`match:${c.peer.id}`, { kind: 'match_decline', callId: c.id });
  }, [publish, dropPeer]);

  return {
    ready,
    phase,
    setPhase,
    call,
    remote,
    connection,
    chat,
    incoming,
    videoOn,
    queue,
    shake,
    startVideo,
    sendChat,
    forget,
    declineIncoming,
  };
}
