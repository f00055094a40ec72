import { useEffect, useState, type RefObject } from 'react';
import type { EventFrame, PlaybackState, PublishBody, UserSummary, WatchParty, WatchPartyInfo } from '@tremolo/protocol';
import type { RealtimeClient } from '../../lib/realtime.ts';
import type { SyncedPlayer } from './player.ts';

export interface ChatLine {
  key: string;
  from: UserSummary | null;
  text: string;
}

export interface Floating {
  key: number;
  emoji: string;
  left: number;
}

const PRESENCE_EVERY_MS = 10_000;

interface Options {
  realtime: RealtimeClient | null;
  joined: boolean;
  channel: string;
  myId: string;
  playerRef: RefObject<SyncedPlayer | null>;
  current: () => WatchParty | null;
  putState: (s: PlaybackState) => void;
  putInfo: (info: WatchPartyInfo) => void;
  refetch: () => void;
  publish: (body: PublishBody) => Promise<void>;
  clearNotice: () => void;
}

/**
 * The party's channel: states go to the player and the cache, membership into the cache, presence
 * to the player's lead; chat and reactions are kept here. Presence is announced while joined.
 */
export function useWatchChannel(o: Options) {
  const { realtime, joined, channel, myId, playerRef, current, putState, putInfo, refetch, publish, clearNotice } = o;
  const [chat, setChat] = useState<ChatLine[]>([]);
  const [floating, setFloating] = useState<Floating[]>([]);
  const [online, setOnline] = useState(true);

  useEffect(() => {
    if (!realtime || !joined) return;
    const onEvent = (ev: EventFrame) => {
      const b = ev.body;
      switch (b.kind) {
        case 'watch_state':
          playerRef.current?.apply(b.state, b);
          putState(b.state);
          if (b.action === 'pause' || b.action === 'play') clearNotice();
          return;
        case 'watch_party': {
          const before = current();
          putInfo(b.party);
          if (before && b.party.playlist.join() !== before.playlist.join()) refetch();
          return;
        }
        case 'watch_presence':
          if (ev.from && ev.from !== myId) playerRef.current?.peerRtt(ev.from, b.rttMs, b.status === 'left');
          return;
        case 'chat': {
          const from = current()?.members.find((m) => m.user.id === ev.from)?.user ?? null;
          setChat((c) => [...c.slice(-99), { key: `${ev.ch}:${ev.seq ?? ev.at}`, from, text: b.text }]);
          return;
        }
        case 'reaction': {
          const key = Math.random();
          setFloating((f) => [...f.slice(-20), { key, emoji: b.emoji, left: 10 + Math.random() * 70 }]);
          setTimeout(() => setFloating((f) => f.filter((x) => x.key !== key)), 2500);
          return;
        }
        default:
          return;
      }
    };
    // Ready after every (re)subscription: the state may have moved on while we were away.
    const off = realtime.subscribe(channel, onEvent, refetch);
    const offStatus = realtime.onStatus((s) => setOnline(s === 'open' || s === 'connecting'));
    const hello = () =>
      void publish({ kind: 'watch_presence', status: 'watching', rttMs: Math.round(playerRef.current?.clock.rttMs ?? 0) });
    const first = setTimeout(hello, 1500);
    const every = setInterval(hello, PRESENCE_EVERY_MS);
    return () => {
      clearTimeout(first);
      clearInterval(every);
      void publish({ kind: 'watch_presence', status: 'left' });
      off();
      offStatus();
    };
  }, [realtime, joined, channel, myId, playerRef, current, putState, putInfo, refetch, publish, clearNotice]);

  return { chat, floating, online };
}
