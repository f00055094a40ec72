import { useCallback, useEffect, useRef, useState } from 'react';
import * as api from '@tremolo/protocol/api';
import { call } from '../../lib/client.ts';
import type { ChatLine } from './useRoom.ts';

/** Hearts are gathered and sent at most this often (the server takes one post a second). */
const HEART_FLUSH_MS = 1000;
const DANMAKU_MS = 7000;
const MAX_FLOATING = 24;

export interface FloatingHeart {
  key: number;
  left: number;
}
export type DanmakuLine = ChatLine & { lane: number };

/**
 * What flies over the stage: hearts (mine at once, everyone's as their totals grow), sent in one
 * post a second; and new chat lines as danmaku (弹幕) for a few seconds.
 */
export function useRoomCheer(id: string, heartBursts: number, chat: ChatLine[]) {
  const [floating, setFloating] = useState<FloatingHeart[]>([]);
  const [danmaku, setDanmaku] = useState<DanmakuLine[]>([]);
  const pendingHearts = useRef(0);
  const lane = useRef(0);

  const float = useCallback((n: number) => {
    const add = Array.from({ length: n }, () => ({ key: Math.random(), left: 55 + Math.random() * 35 }));
    setFloating((f) => [...f, ...add].slice(-MAX_FLOATING));
    const keys = new Set(add.map((a) => a.key));
    setTimeout(() => setFloating((f) => f.filter((x) => !keys.has(x.key))), 2600);
  }, []);

  // Hearts from everyone arrive as totals; show what was added since the last one.
  const lastBursts = useRef(0);
  useEffect(() => {
    const n = heartBursts - lastBursts.current;
    lastBursts.current = heartBursts;
    if (n > 0) float(Math.min(n, 8));
  }, [heartBursts, float]);

  useEffect(() => {
    const timer = setInterval(() => {
      const n = pendingHearts.current;
      if (n <= 0 || !id) return;
      pendingHearts.current = 0;
      call(api.rooms.hearts, { params: { id }, body: { count: Math.min(n, 100) } }).catch(() => undefined);
    }, HEART_FLUSH_MS);
    return () => clearInterval(timer);
  }, [id]);

  // New chat lines fly over the stage (弹幕) for a few seconds.
  const seenChat = useRef(0);
  useEffect(() => {
    // A line removed by a moderator stops flying at once.
    const present = new Set(chat.map((c) => c.seq));
    setDanmaku((d) => {
      const kept = d.filter((x) => x.seq === null || present.has(x.seq));
      return kept.length === d.length ? d : kept;
    });
    const fresh = chat.filter((c) => c.seq === null || c.seq > seenChat.current);
    if (!fresh.length) return;
    const maxSeq = Math.max(...chat.map((c) => c.seq ?? 0));
    const first = seenChat.current === 0;
    seenChat.current = maxSeq;
    // History loaded on entry is not replayed as danmaku.
    if (first && fresh.length > 3) return;
    const lines = fresh.slice(-4).map((c) => ({ ...c, lane: lane.current++ % 4 }));
    setDanmaku((d) => [...d, ...lines].slice(-12));
    const keys = new Set(lines.map((l) => l.key));
    setTimeout(() => setDanmaku((d) => d.filter((x) => !keys.has(x.key))), DANMAKU_MS);
  }, [chat]);

  const heart = () => {
    pendingHearts.current += 1;
    float(1);
  };

  return { floating, danmaku, heart };
}
