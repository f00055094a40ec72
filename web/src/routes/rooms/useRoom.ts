import { useCallback, useEffect, useRef, useState } from 'react';
import * as api from '@tremolo/protocol/api';
import { RoomEvent, type EventFrame } from '@tremolo/protocol';
import { call } from '../../lib/client.ts';
import { useSession } from '../../lib/session.tsx';
import { useRoomChat } from './useRoomChat.ts';
import { useRoomPeople } from './useRoomPeople.ts';
import { useRoomSnapshot } from './useRoomSnapshot.ts';

export type { ChatLine } from './useRoomChat.ts';

export type Removal = 'removed' | 'banned' | null;

/**
 * A room as the page sees it: joins, listens on `room:<id>`, and keeps the snapshot current by
 * applying versioned events in order. A gap, or every (re)subscription after a reconnect,
 * refetches the snapshot, so the view always rebuilds from the server's state.
 */
export function useRoom(id: string) {
  const { me, realtime } = useSession();
  const myId = me?.id ?? '';
  const snapshot = useRoomSnapshot(id, myId);
  const { room, apply, refetch } = snapshot;
  const { people, meet, enter, learn } = useRoomPeople();
  const { chat, fanLevels, addChat, dropChat } = useRoomChat(learn);
  const [removed, setRemoved] = useState<Removal>(null);
  const [heartBursts, setHeartBursts] = useState(0);
  const joinedRef = useRef(false);
  const seeded = useRef<string | null>(null);

  const channel = `room:${id}`;

  // Once entered: the people we know by now.
  useEffect(() => {
    if (!room || seeded.current === room.id) return;
    seeded.current = room.id;
    joinedRef.current = true;
    enter(room);
  }, [room, enter]);

  const joined = room !== null && removed === null;

  // The channel: versioned state events, viewer and heart totals, chat, removals.
  useEffect(() => {
    if (!realtime || !joined) return;
    let first = true;
    const onEvent = (ev: EventFrame) => {
      const b = ev.body;
      if (b.kind === 'chat') return addChat([ev]);
      if (b.kind === 'message_deleted') return dropChat(b.seq);
      if (b.kind === 'member') {
        if (b.user?.id === myId && (b.event === 'removed' || b.event === 'banned')) setRemoved(b.event);
        return;
      }
      const parsed = RoomEvent.safeParse(b);
      if (!parsed.success) return;
      const e = parsed.data;
      if (e.kind === 'room_hearts' && e.added > 0) setHeartBursts((n) => n + Math.min(e.added, 12));
      apply(e);
      if (e.kind === 'room_stage') meet([...e.stage.map((m) => m.user), ...e.invites]);
      if (e.kind === 'room_hands') meet(e.hands.map((h) => h.user));
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
  }, [realtime, joined, channel, id, myId, apply, refetch, addChat, dropChat, meet]);

  const leave = useCallback(async () => {
    if (!joinedRef.current) return;
    joinedRef.current = false;
    await call(api.rooms.leave, { params: { id } }).catch(() => undefined);
  }, [id]);

  return {
    room,
    setRoom: snapshot.setRoom,
    state: room?.state ?? null,
    me: room?.me ?? null,
    error: snapshot.error,
    chat,
    people,
    fanLevels,
    removed,
    heartBursts,
    resyncs: snapshot.resyncs,
    refetch,
    leave,
    myId,
    channel,
  };
}
