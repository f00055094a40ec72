import { useCallback, useState } from 'react';
import type { EventFrame } from '@tremolo/protocol';

export interface ChatLine {
  key: string;
  seq: number | null;
  from: string | null;
  text: string;
  fanLevel: number | null;
}

const MAX_CHAT = 200;

/**
 * The room's chat: stored lines (the recent history and live events) merged in sequence order
 * without repeats, the last MAX_CHAT kept, and each sender's fan level as their lines state it.
 * Senders' names are asked of `learn`.
 */
export function useRoomChat(learn: (ids: string[]) => void) {
  const [chat, setChat] = useState<ChatLine[]>([]);
  const [fanLevels, setFanLevels] = useState<Map<string, number>>(new Map());

  const addChat = useCallback(
    (frames: EventFrame[]) => {
      const lines: ChatLine[] = [];
      const levels: [string, number][] = [];
      for (const f of frames) {
        // A removed line is stored as a tombstone, which the chat does not show.
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

  /** A line removed for everyone (a moderator's decision) leaves the chat. */
  const dropChat = useCallback((seq: number) => setChat((c) => c.filter((l) => l.seq !== seq)), []);

  return { chat, fanLevels, addChat, dropChat };
}
