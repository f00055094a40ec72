import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import * as api from '@tremolo/protocol/api';
import type { Room, RoomMe, RoomState, VideoLayer } from '@tremolo/protocol';
import { call } from '../../lib/client.ts';
import { mediaProblem, Publisher, SpeakingMeter, Subscriber, type Feed, type MediaProblem } from './media.ts';
import type { TileMedia } from './Stage.tsx';

declare global {
  interface Window {
    /** The room's media connections, for end-to-end tests. */
    __room?: { subscriber: Subscriber | null; publisher: Publisher | null };
  }
}

/** Above this RMS level (0–1) a person counts as speaking. */
const SPEAKING_LEVEL = 0.02;
/** The active speaker must lead this long before the high layer moves to them. */
const SPEAKER_HOLD_MS = 2500;

/**
 * The media side of a room: my publish connection while I am on stage, one receive connection
 * for everyone else on stage, the speaking meter, and which quality each feed comes in.
 */
export function useRoomMedia(room: Room | null, state: RoomState | null, me: RoomMe | null, myId: string) {
  const id = room?.id ?? '';
  const live = state?.status === 'live';
  const onStage = !!me && me.canPublish && live;
  // The server decides: where the audience watches the broadcast, only the stage receives over
  // WebRTC. Going on or off the stage switches between the two without a reload.
  const watchBroadcast = live && !!room?.media.broadcast && !onStage;
  // A new epoch: the room's media started over on another server and every connection is gone.
  const epoch = state?.mediaEpoch ?? 0;
  const epochRef = useRef(epoch);
  epochRef.current = epoch;
  const [local, setLocal] = useState<MediaStream | null>(null);
  const [problem, setProblem] = useState<MediaProblem | null>(null);
  const [publishError, setPublishError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [feeds, setFeeds] = useState<Map<string, Feed>>(new Map());
  const [levels, setLevels] = useState<Map<string, number>>(new Map());
  const [focused, setFocused] = useState<string | null>(null);
  const [speaker, setSpeaker] = useState<string | null>(null);
  const [subscribeError, setSubscribeError] = useState<unknown>(null);
  const publisherRef = useRef<Publisher | null>(null);
  // The server has shown this publisher as sending; if it later says I am not, the SFU dropped it.
  const sawPublishing = useRef(false);
  // Set when the server already dropped my connection: the restart must not unpublish the new one.
  const droppedByServer = useRef(false);
  const subscriberRef = useRef<Subscriber | null>(null);
  const meterRef = useRef<SpeakingMeter | null>(null);
  const lead = useRef<{ id: string; since: number } | null>(null);
  // The ICE servers never change for a room; a ref keeps a new Room object from restarting media.
  const ice = useRef<Room['media']['iceServers']>([]);
  if (room) ice.current = room.media.iceServers;
  const ready = room !== null;

  // Publishing: open the camera when I come on stage, stop everything when I leave it.
  useEffect(() => {
    if (!onStage || !ready) return;
    let cancelled = false;
    let pub: Publisher | null = null;
    const startedIn = epoch;
    sawPublishing.current = false;
    setProblem(null);
    setPublishError(null);
    Publisher.open().then(
      async (stream) => {
        if (cancelled) {
          for (const t of stream.getTracks()) t.stop();
          return;
        }
        pub = new Publisher(
          stream,
          ice.current,
          async (offerSdp) => (await call(api.rooms.publish, { params: { id }, body: { offerSdp } })).answerSdp,
          (s) => s === 'failed' && setPublishError(new Error('failed')),
        );
        publisherRef.current = pub;
        setLocal(stream);
        if (import.meta.env.MODE === 'test') window.__room = { subscriber: subscriberRef.current, publisher: pub };
        try {
          await pub.start();
        } catch (e) {
          if (!cancelled) setPublishError(e);
        }
      },
      (e: unknown) => !cancelled && setProblem(mediaProblem(e)),
    );
    return () => {
      cancelled = true;
      if (pub) {
        pub.close();
        // After a media restart the server holds nothing of mine; an unpublish now could only
        // race the new publish.
        if (epochRef.current === startedIn && !droppedByServer.current)
          void call(api.rooms.unpublish, { params: { id } }).catch(() => undefined);
      }
      droppedByServer.current = false;
      publisherRef.current = null;
      setLocal(null);
      if (import.meta.env.MODE === 'test' && window.__room) window.__room.publisher = null;
    };
  }, [onStage, ready, id, attempt, epoch]);

  const mine = state?.stage.find((m) => m.user.id === myId) ?? null;
  // The SFU may drop my sending connection (say it missed consent checks on a starved machine)
  // while my browser still thinks it sends: the server then shows me not publishing. I publish
  // again at once instead of staying dark for everyone.
  const serverSaysPublishing = mine?.publishing ?? null;
  useEffect(() => {
    if (!onStage || !publisherRef.current || serverSaysPublishing === null) return;
    if (serverSaysPublishing) {
      sawPublishing.current = true;
      return;
    }
    if (!sawPublishing.current) return;
    sawPublishing.current = false;
    droppedByServer.current = true;
    setAttempt((a) => a + 1);
  }, [serverSaysPublishing, onStage]);

  // My own switches follow what my tile says (the state is the truth after a reconnect).
  useEffect(() => {
    const p = publisherRef.current;
    if (!p || !mine) return;
    p.setEnabled('audio', mine.mic);
    p.setEnabled('video', mine.camera);
  }, [mine?.mic, mine?.camera, local, mine]);

  // Receiving: one connection, renegotiated whenever the set of publishing people changes.
  useEffect(() => {
    if (!ready || !live || watchBroadcast) return;
    const startedIn = epoch;
    const sub = new Subscriber(
      ice.current,
      {
        subscribe: (publisherIds) => call(api.rooms.subscribe, { params: { id }, body: { publisherIds } }),
        answer: (answerSdp) => call(api.rooms.answerSubscription, { params: { id }, body: { answerSdp } }).then(() => undefined),
        layer: (publisherId, layer) => call(api.rooms.setLayer, { params: { id }, body: { publisherId, layer } }).then(() => undefined),
        leave: () => call(api.rooms.unsubscribe, { params: { id } }).then(() => undefined),
      },
      (f) => {
        setFeeds(new Map(f));
        setSubscribeError(null);
      },
      setSubscribeError,
    );
    subscriberRef.current = sub;
    if (import.meta.env.MODE === 'test') window.__room = { subscriber: sub, publisher: publisherRef.current };
    return () => {
      sub.close();
      subscriberRef.current = null;
      setFeeds(new Map());
      if (epochRef.current === startedIn) void call(api.rooms.unsubscribe, { params: { id } }).catch(() => undefined);
      if (import.meta.env.MODE === 'test' && window.__room) window.__room.subscriber = null;
    };
  }, [ready, live, id, epoch, watchBroadcast]);

  const publishing = useMemo(
    () =>
      (state?.stage ?? [])
        .filter((m) => m.publishing && m.user.id !== myId)
        .map((m) => m.user.id)
        .sort()
        .join(','),
    [state?.stage, myId],
  );
  useEffect(() => {
    subscriberRef.current?.want(publishing ? publishing.split(',') : []);
  }, [publishing, ready, live, epoch, watchBroadcast]);

  // Speaking: levels of every received audio track and of my own microphone.
  useEffect(() => {
    const meter = new SpeakingMeter((l) => setLevels(l));
    meterRef.current = meter;
    return () => {
      meter.close();
      meterRef.current = null;
    };
  }, []);
  useEffect(() => {
    const tracks = new Map<string, MediaStreamTrack>();
    for (const [pid, f] of feeds) if (f.audio) tracks.set(pid, f.audio);
    const mic = local?.getAudioTracks()[0];
    if (mic && myId) tracks.set(myId, mic);
    meterRef.current?.set(tracks);
  }, [feeds, local, myId]);

  const speaking = useMemo(() => new Set([...levels].filter(([, v]) => v > SPEAKING_LEVEL).map(([k]) => k)), [levels]);

  // The active speaker: the loudest voice that has led for a moment (not every syllable).
  useEffect(() => {
    let best: string | null = null;
    let top = SPEAKING_LEVEL;
    for (const [k, v] of levels) if (v > top && k !== myId) (best = k), (top = v);
    const now = Date.now();
    if (!best) return;
    if (lead.current?.id !== best) lead.current = { id: best, since: now };
    else if (now - lead.current.since >= SPEAKER_HOLD_MS && speaker !== best) setSpeaker(best);
  }, [levels, myId, speaker]);

  // Small tiles take the light layer; the focused tile (or else the active speaker) the sharp one.
  useEffect(() => {
    const sub = subscriberRef.current;
    if (!sub) return;
    const sharp = focused && feeds.has(focused) ? focused : speaker;
    for (const pid of feeds.keys()) {
      const layer: VideoLayer = pid === sharp || feeds.size === 1 ? 'high' : 'low';
      sub.setLayer(pid, layer);
    }
  }, [feeds, focused, speaker]);

  const media = useMemo(() => {
    const m = new Map<string, TileMedia>();
    for (const [pid, f] of feeds) m.set(pid, { stream: f.stream, local: false });
    if (local && myId) m.set(myId, { stream: local, local: true });
    else if (problem && myId) m.set(myId, { stream: null, local: true, unavailable: true });
    return m;
  }, [feeds, local, myId, problem]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  const resumeAudio = useCallback(() => meterRef.current?.resume(), []);

  return {
    media,
    speaking,
    focused,
    setFocused,
    problem,
    publishError,
    subscribeError,
    retry,
    resumeAudio,
    local,
    broadcast: watchBroadcast,
  };
}
