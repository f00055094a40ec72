import { useCallback, useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { ControlMode, PlaybackState, PublishBody, WatchParty, WatchPartyInfo } from '@tremolo/protocol';
import { call } from '../../lib/client.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { keyOf, useApiMutation, useApiQuery } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';

let cidSeq = 0;
const newCid = () => `w${Date.now().toString(36)}${(cidSeq++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/**
 * The party as this page knows it, in the query cache under the join call (opening the link joins
 * it; a rejoin keeps one's role). Channel events and the answers of role changes are written into
 * that entry, so there is one copy of the party; leaving drops it and rejoining fetches it again.
 */
export function useWatchParty(id: string) {
  const { me, realtime } = useSession();
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const myId = me?.id ?? '';
  const channel = `watch:${id}`;
  const key = useMemo(() => keyOf(api.watch.join, { params: { id } }), [id]);
  const [left, setLeft] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const clearNotice = useCallback(() => setNotice(null), []);

  const query = useApiQuery(
    api.watch.join,
    { params: { id } },
    { enabled: !!id && !left, staleTime: Infinity, gcTime: 0, refetchOnMount: 'always', retry: false },
  );
  const party = left ? null : (query.data ?? null);
  const joined = !!party?.me.joined;

  const put = useCallback(
    (p: WatchParty) => queryClient.setQueryData<WatchParty>(key, (old) => withState(p, old?.state)),
    [queryClient, key],
  );
  const current = useCallback(() => queryClient.getQueryData<WatchParty>(key) ?? null, [queryClient, key]);

  /** A state from the channel; the cache keeps the newest version. */
  const putState = useCallback(
    (s: PlaybackState) => queryClient.setQueryData<WatchParty>(key, (p) => (p ? withState(p, s) : p)),
    [queryClient, key],
  );

  /** Membership, roles or control mode changed on the channel. */
  const putInfo = useCallback(
    (info: WatchPartyInfo) => queryClient.setQueryData<WatchParty>(key, (p) => (p ? mergeInfo(p, info, myId) : p)),
    [queryClient, key, myId],
  );

  /** The party again over HTTP (after a reconnect, a new playlist): kept only while still a member. */
  const refetch = useCallback(() => {
    call(api.watch.get, { params: { id } }).then((p) => {
      if (p.me.joined) put(p);
    }, setActionError);
  }, [id, put]);

  const publish = useCallback(
    (body: PublishBody) => {
      if (!realtime) return Promise.resolve();
      return realtime.publish(channel, newCid(), body).then(
        () => undefined,
        (e: unknown) => {
          const code = e && typeof e === 'object' && 'code' in e ? e.code : null;
          if (code === 'forbidden') setNotice(t('watch.locked'));
        },
      );
    },
    [realtime, channel, t],
  );

  const changed = { onSuccess: put };
  const handOverCall = useApiMutation(api.watch.handOver, changed);
  const setControlCall = useApiMutation(api.watch.setControl, changed);
  const leaveCall = useApiMutation(api.watch.leave, {
    onSuccess: () => {
      setLeft(true);
      queryClient.removeQueries({ queryKey: key, exact: true });
    },
  });

  const handOver = (userId: string) => handOverCall.mutate({ params: { id }, body: { userId } }, { onError: setActionError });
  const setMode = (mode: ControlMode, cohosts?: string[]) =>
    setControlCall.mutate({ params: { id }, body: { mode, ...(cohosts ? { cohosts } : {}) } }, { onError: setActionError });
  const leave = () => leaveCall.mutate({ params: { id } }, { onError: setActionError });
  const rejoin = () => {
    setActionError(null);
    setLeft(false);
    if (query.isError) void query.refetch();
  };

  return {
    party,
    joined,
    left,
    error: actionError ?? (left ? null : query.error),
    myId,
    channel,
    notice,
    setNotice,
    clearNotice,
    current,
    putState,
    putInfo,
    refetch,
    publish,
    handOver,
    setMode,
    leave,
    rejoin,
  };
}

function withState(p: WatchParty, s: PlaybackState | undefined): WatchParty {
  return s && s.version > p.state.version ? { ...p, state: s } : p;
}

function mergeInfo(p: WatchParty, info: WatchPartyInfo, myId: string): WatchParty {
  const mine = info.members.find((m) => m.user.id === myId);
  const canControl =
    !!mine && (info.host?.id === myId || info.controlMode === 'everyone' || (info.controlMode === 'cohosts' && mine.role === 'cohost'));
  return { ...p, ...info, me: { joined: !!mine, role: mine?.role ?? null, canControl } };
}
