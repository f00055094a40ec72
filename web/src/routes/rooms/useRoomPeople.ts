import { useCallback, useRef, useState } from 'react';
import * as api from '@tremolo/protocol/api';
import type { Room, UserSummary } from '@tremolo/protocol';
import { call } from '../../lib/client.ts';

/**
 * The people the room page can name: everyone its state shows (host, stage, hands, invites),
 * and chat senders we have not met yet, looked up once, in one call per batch.
 */
export function useRoomPeople() {
  const [people, setPeople] = useState<Map<string, UserSummary>>(new Map());
  const asked = useRef(new Set<string>());

  /** People the room's state showed us. */
  const meet = useCallback((users: UserSummary[]) => setPeople((p) => withPeople(p, users)), []);

  /** Once entered: the people we know by now (the stage's need no lookup). */
  const enter = useCallback(
    (room: Room) => {
      for (const m of room.state.stage) asked.current.add(m.user.id);
      meet([room.host, ...room.state.stage.map((m) => m.user), ...room.state.hands.map((h) => h.user), ...room.state.invites]);
    },
    [meet],
  );

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

  return { people, meet, enter, learn };
}

function withPeople(p: Map<string, UserSummary>, users: UserSummary[]): Map<string, UserSummary> {
  if (users.every((u) => p.get(u.id) === u)) return p;
  const next = new Map(p);
  for (const u of users) next.set(u.id, u);
  return next;
}
