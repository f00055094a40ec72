import { useCallback, useMemo, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import { applyRoomEvent, type Room, type RoomEvent, type RoomMe, type RoomRole, type RoomState } from '@tremolo/protocol';
import { call } from '../../lib/client.ts';
import { keyOf, useApiQuery } from '../../lib/queries.ts';

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
 * The room as I joined it, kept in the query cache: the cached answer of the join, into which
 * every later state is written. Versioned events apply in order; one that does not follow (a
 * gap) refetches the snapshot, and events that arrive meanwhile are applied on top of it.
 */
export function useRoomSnapshot(id: string, myId: string) {
  const queryClient = useQueryClient();
  const key = useMemo(() => keyOf(api.rooms.join, { params: { id } }), [id]);
  // Opening the page enters the room: the room as I joined it is the cached answer of the join,
  // and every state after it is written into that entry.
  const query = useApiQuery(
    api.rooms.join,
    { params: { id } },
    { enabled: !!id && !!myId, staleTime: Infinity, gcTime: 0, refetchOnMount: 'always', retry: false },
  );
  const [syncError, setError] = useState<unknown>(null);
  const [resyncs, setResyncs] = useState(0);
  const buffered = useRef<RoomEvent[]>([]);

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

  return { room: query.data ?? null, error: syncError ?? query.error, resyncs, setRoom, refetch, apply };
}
