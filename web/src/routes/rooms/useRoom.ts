import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import {
  api,
  applyRoomEvent,
  RoomEvent,
  UserSummary,
  type EventFrame,
  type Room,
  type RoomMe,
  type RoomRole,
  type RoomState,
} from '@tremolo/protocol';
import { call } from '../../lib/client.ts';
import { keyOf, useApiQuery } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';

export interface ChatLine {
  key: string;
  seq: number | null;
  from: string | null;
  text: string;
  fanLevel: number | null;
}

export type Removal = 'removed' | 'banned' | null;

const MAX_CHAT = 200;

/** What I may do, derived again from the state after every event (the server computes the same). */
function meFrom(state: RoomState, myId: string, base: RoomMe): RoomMe {
  const mine = state.stage.find((m) => m.user.id === myId);
  const role: RoomRole = mine ? mine.role : 'audience';
  return {
    ...base,
    role,
    invited: state.invites.some((u) => u.id === myId),
    // Only the oldest hands are listed; beyond them, keep what we knew.
    handRaised:
      role === 'audience' && (state.hands.some((h) => h.user.id === myId) || (base.handRaised && state.handsTotal > state.hands.length)),
    canPublish: role !== 'audience' && state.status === 'live',
    canModerate: role === 'host',
  };
}

/**
 * A room as the page sees it: joins, listens on `room:<id>`, and keeps the snapshot current by
 * applying versioned events in order. A gap, or every (re)subscription after a reconnect,
 * refetches the snapshot, so the view always rebuilds from the server's state.
 */
export function useRoom(id: string) {
  const { me, realtime } = useSession();
  const queryClient = useQueryClient();
  const myId = me?.id ?? '';
  const key = useMemo(() => keyOf(api.rooms.join, { params: { id } }), [id]);
  // Opening the page enters the room: the room as I joined it is the cached answer of the join,
  // and every state after it is written into that entry.
  const query = useApiQuery(
    api.rooms.join,
    { params: { id } },
    { enabled: !!id && !!myId, staleTime: Infinity, gcTime: 0, refetchOnMount: 'always', retry: false },
  );
  const room = query.data ?? null;
  const [syncError, setError] = useState<unknown>(null);
  const [chat, setChat] = useState<ChatLine[]>([]);
  const [people, setPeople] = useState<Map<string, UserSummary>>(new Map());
  const [fanLevels, setFanLevels] = useState<Map<string, number>>(new Map());
  const [removed, setRemoved] = useState<Removal>(null);
  const [heartBursts, setHeartBursts] = useState(0);
  const [resyncs, setResyncs] = useState(0);
  const buffered = useRef<RoomEvent[]>([]);
  const asked = useRef(new Set<string>());
  const joinedRef = useRef(false);
  const seeded = useRef<string | null>(null);

  const channel = `room:${id}`;

  /** A new state: what I may do is derived again from it. */
  const putState = useCallback(
    (s: RoomState) => queryClient.setQueryData<Room>(key, (r) => (r ? { ...r, state: s, me: meFrom(s, myId, r.me) } : r)),
    [queryClient, key, myId],
  );

  /** A room from an answer (start, invitation, cover); the cache keeps the newer of the two states. */
  const setRoom = useCallback(
    (next: Room) =>
      queryClient.setQueryData<Room>(key, (r) =>
        r && r.state.version > next.state.version ? { ...next, state: r.state, me: meFrom(r.state, myId, next.me) } : next,
      ),
    [queryClient, key, myId],
  );

  const refetch = useCallback(() => {
    call(api.rooms.state, { params: { id } }).then(
      (s) => {
        let cur = s;
        // Events that came while the snapshot was on its way: apply those that follow it.
        for (const ev of buffered.current) cur = applyRoomEvent(cur, ev) ?? cur;
        buffered.current = [];
        putState(cur);
        setError(null);
        setResyncs((n) => n + 1);
      },
      (e: unknown) => setError(e),
    );
  }, [id, putState]);

  const apply = useCallback(
    (ev: RoomEvent) => {
      const cur = queryClient.getQueryData<Room>(key)?.state;
      if (!cur) {
        buffered.current.push(ev);
        return;
      }
      const next = applyRoomEvent(cur, ev);
      if (next === null) {
        buffered.current.push(ev);
        refetch();
        return;
      }
      if (next !== cur) putState(next);
    },
    [queryClient, key, putState, refetch],
  );

  // Once entered: the people we know by now.
  useEffect(() => {
    if (!room || seeded.current === room.id) return;
    seeded.current = room.id;
    joinedRef.current = true;
    for (const m of room.state.stage) asked.current.add(m.user.id);
    setPeople((p) =>
      withPeople(p, [room.host, ...room.state.stage.map((m) => m.user), ...room.state.hands.map((h) => h.user), ...room.state.invites]),
    );
  }, [room]);

  // Names for chat senders we have not met yet, fetched in one call per batch.
  const learn = useCallback((ids: string[]) => {
    const fresh = ids.filter((u) => !asked.current.has(u));
    if (!fresh.length) return;
    for (const u of fresh) asked.current.add(u);
    call(api.accounts.people, { query: { ids: fresh.join(',') } }).then(
      (r) => setPeople((p) => withPeople(p, r.items)),
      () => {
        for (const u of fresh) asked.current.delete(u);
      },
    );
  }, []);

  const addChat = useCallback(
    (frames: EventFrame[]) => {
      const lines: ChatLine[] = [];
      const levels: [string, number][] = [];
      for (const f of frames) {
        if (f.body.kind !== 'chat') continue;
        lines.push({
          key: `${f.seq ?? f.at}:${f.from ?? ''}`,
          seq: f.seq ?? null,
          from: f.from,
          text: f.body.text,
          fanLevel: f.body.fanLevel ?? null,
        });
        if (f.from && f.body.fanLevel != null) levels.push([f.from, f.body.fanLevel]);
      }
      if (!lines.length) return;
      setChat((c) => {
        const seen = new Set(c.map((l) => l.seq).filter((s) => s !== null));
        const merged = [...c, ...lines.filter((l) => l.seq === null || !seen.has(l.seq))].sort(
          (a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity),
        );
        return merged.slice(-MAX_CHAT);
      });
      if (levels.length) setFanLevels((m) => new Map([...m, ...levels]));
      learn(lines.map((l) => l.from).filter((u): u is string => !!u));
    },
    [learn],
  );

  const joined = room !== null && removed === null;

  // The channel: versioned state events, viewer and heart totals, chat, removals.
  useEffect(() => {
    if (!realtime || !joined) return;
    let first = true;
    const onEvent = (ev: EventFrame) => {
      const b = ev.body;
      if (b.kind === 'chat') return addChat([ev]);
      if (b.kind === 'member') {
        if (b.user?.id === myId && (b.event === 'removed' || b.event === 'banned')) setRemoved(b.event);
        return;
      }
      const parsed = RoomEvent.safeParse(b);
      if (!parsed.success) return;
      const e = parsed.data;
      if (e.kind === 'room_hearts' && e.added > 0) setHeartBursts((n) => n + Math.min(e.added, 12));
      apply(e);
      if (e.kind === 'room_stage') setPeople((p) => withPeople(p, [...e.stage.map((m) => m.user), ...e.invites]));
      if (e.kind === 'room_hands')
        setPeople((p) =>
          withPeople(
            p,
            e.hands.map((h) => h.user),
          ),
        );
    };
    const onReady = () => {
      refetch();
      if (first) {
        first = false;
        call(api.rooms.messages, { params: { id }, query: { limit: 50 } }).then(
          (p) => addChat(p.items),
          () => undefined,
        );
      }
    };
    const off = realtime.subscribe(channel, onEvent, onReady);
    return off;
  }, [realtime, joined, channel, id, myId, apply, refetch, addChat]);

  const leave = useCallback(async () => {
    if (!joinedRef.current) return;
    joinedRef.current = false;
    await call(api.rooms.leave, { params: { id } }).catch(() => undefined);
  }, [id]);

  return {
    room,
    setRoom,
    state: room?.state ?? null,
    me: room?.me ?? null,
    error: syncError ?? query.error,
    chat,
    people,
    fanLevels,
    removed,
    heartBursts,
    resyncs,
    refetch,
    leave,
    myId,
    channel,
  };
}

function withPeople(p: Map<string, UserSummary>, users: UserSummary[]): Map<string, UserSummary> {
  if (users.every((u) => p.get(u.id) === u)) return p;
  const next = new Map(p);
  for (const u of users) next.set(u.id, u);
  return next;
}
