import { useEffect, useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { Room, RoomMe, RoomState } from '@tremolo/protocol';
import { call } from '../../lib/client.ts';
import { keyOf, useApiQuery } from '../../lib/queries.ts';
import { useAction } from './HostTools.tsx';

/**
 * What a person does in a room from the page (their mic and camera, a hand, the stage, the
 * host's start and end) and the host's summary once it has ended. Answers that carry the room go
 * into the cache; the rest comes back as state events on the channel.
 */
export function useRoomActions(
  id: string,
  room: Room | null,
  state: RoomState | null,
  me: RoomMe | null,
  myId: string,
  setRoom: (next: Room) => void,
) {
  const act = useAction();
  const queryClient = useQueryClient();
  const summaryKey = useMemo(() => keyOf(api.rooms.summary, { params: { id } }), [id]);
  const ended = state?.status === 'ended';
  const isHost = me?.role === 'host';
  const summary = useApiQuery(
    api.rooms.summary,
    { params: { id } },
    { enabled: ended && !!room && (room.host.id === myId || isHost), staleTime: Infinity, retry: false },
  ).data;

  // Autoplay rules: until the person touches the page, sound may be refused; say so.
  const [soundBlocked, setSoundBlocked] = useState(false);
  useEffect(() => {
    const ctx = typeof AudioContext !== 'undefined' ? new AudioContext() : null;
    if (ctx && ctx.state === 'suspended') setSoundBlocked(true);
    void ctx?.close().catch(() => undefined);
  }, []);

  const mine = state?.stage.find((s) => s.user.id === myId) ?? null;

  const toggle = (kind: 'mic' | 'camera') => {
    if (!mine) return;
    void act.run(kind, () => call(api.rooms.setMedia, { params: { id }, body: { [kind]: !mine[kind] } }));
  };
  const answerInvite = (accept: boolean) =>
    void act.run(`invite:${accept}`, async () => setRoom(await call(api.rooms.answerInvite, { params: { id }, body: { accept } })));
  const start = () => void act.run('start', async () => setRoom(await call(api.rooms.start, { params: { id } })));
  const end = (confirm: () => boolean) => {
    if (!confirm()) return;
    void act.run('end', async () => queryClient.setQueryData(summaryKey, await call(api.rooms.end, { params: { id } })));
  };
  const raiseHand = () => void act.run('hand', () => call(api.rooms.raiseHand, { params: { id }, body: { raised: !me?.handRaised } }));
  const leaveStage = () => void act.run('stage-leave', () => call(api.rooms.leaveStage, { params: { id } }));

  return {
    busy: act.busy,
    error: act.error,
    summary: summary ?? null,
    ended,
    isHost,
    mine,
    soundBlocked,
    unblockSound: () => setSoundBlocked(false),
    toggle,
    answerInvite,
    start,
    end,
    raiseHand,
    leaveStage,
  };
}
