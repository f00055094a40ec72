import { useEffect, useRef, useState, type RefObject } from 'react';
import type { PublishBody, WatchParty } from '@tremolo/protocol';
import type { RealtimeClient } from '../../lib/realtime.ts';
import { SyncedPlayer, type PlayerStatus, type SyncMode } from './player.ts';

declare global {
  interface Window {
    /** The page's player, for end-to-end tests and the sync benchmark; only in the test build. */
    __watch?: SyncedPlayer;
  }
}

interface Options {
  realtime: RealtimeClient | null;
  joined: boolean;
  party: WatchParty | null;
  publish: (body: PublishBody) => Promise<void>;
  /** The party in the cache now (read when the video ends). */
  current: () => WatchParty | null;
  mode: SyncMode;
  myId: string;
}

/**
 * The synced player of the page, one per mounted page, bound to the <video>: it follows the party's
 * state (every state the cache receives), sends controls and buffering, and reports its status and
 * where the party is for the seek bar.
 */
export function useWatchPlayer(videoRef: RefObject<HTMLVideoElement | null>, o: Options) {
  const { realtime, joined, party, publish, current, mode, myId } = o;
  const playerRef = useRef<SyncedPlayer | null>(null);
  const [status, setStatus] = useState<PlayerStatus | null>(null);
  const [position, setPosition] = useState(0);
  const [duration, setDuration] = useState(0);

  useEffect(() => {
    const video = videoRef.current;
    if (!video || !realtime || !joined) return;
    const player = new SyncedPlayer(
      video,
      realtime,
      {
        publishControl: (action, extra) => void publish({ kind: 'watch_control', action, ...extra }),
        reportBuffering: (b) =>
          void publish({ kind: 'watch_presence', status: b ? 'buffering' : 'ready', rttMs: Math.round(player.clock.rttMs) }),
        ended: () => {
          const cur = playerRef.current?.current;
          const p = current();
          if (!cur || !p || p.host?.id !== myId) return;
          const i = p.playlist.indexOf(cur.videoId);
          if (i >= 0 && i + 1 < p.playlist.length) player.control('next');
        },
        status: setStatus,
      },
      mode,
      myId,
    );
    playerRef.current = player;
    if (import.meta.env.MODE === 'test') window.__watch = player;
    player.start();
    const s = current()?.state;
    if (s) player.apply(s);
    return () => {
      player.stop();
      playerRef.current = null;
      if (import.meta.env.MODE === 'test' && window.__watch === player) delete window.__watch;
    };
  }, [videoRef, realtime, joined, publish, current, mode, myId]);

  // Every state the party reaches (HTTP or channel) goes to the player; it ignores older versions.
  const state = party?.state;
  useEffect(() => {
    if (state) playerRef.current?.apply(state);
  }, [state, joined]);

  // The seek bar follows the party's clock.
  useEffect(() => {
    const timer = setInterval(() => {
      const p = playerRef.current;
      const v = videoRef.current;
      if (p) setPosition(p.partyPositionMs());
      if (v && Number.isFinite(v.duration)) setDuration(v.duration * 1000);
    }, 250);
    return () => clearInterval(timer);
  }, [videoRef]);

  return { playerRef, status, position, duration };
}
