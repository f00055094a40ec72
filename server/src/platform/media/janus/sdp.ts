/** The little we read from a publisher's offer: its media sections and its simulcast rids. */
import type { MediaKind } from '../sfu.ts';

export interface OfferedMedia {
  mid: string;
  kind: MediaKind;
  /** Simulcast rids in the order the offer lists them (empty without simulcast). */
  rids: string[];
}

export function offeredMedia(sdp: string): OfferedMedia[] {
  const out: OfferedMedia[] = [];
  let current: { kind: MediaKind | null; mid: string | null; rids: string[]; rejected: boolean } | null = null;
  const flush = (): void => {
    if (current && current.kind && current.mid !== null && !current.rejected) {
      out.push({ mid: current.mid, kind: current.kind, rids: current.rids });
    }
  };
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) {
      flush();
      const [kind, port] = line.slice(2).split(' ');
      current = { kind: kind === 'audio' || kind === 'video' ? kind : null, mid: null, rids: [], rejected: port === '0' };
    } else if (current && line.startsWith('a=mid:')) {
      current.mid = line.slice('a=mid:'.length).trim();
    } else if (current && line.startsWith('a=simulcast:')) {
      // "a=simulcast:send h;l" (alternatives after ',', paused streams prefixed with '~')
      const send = /(?:^|\s)send\s+(\S+)/.exec(line.slice('a=simulcast:'.length));
      if (send?.[1])
        current.rids = send[1]
          .split(';')
          .map((alt) => (alt.split(',')[0] ?? '').replace(/^~/, ''))
          .filter(Boolean);
    } else if (current && line === 'a=inactive') {
      current.rejected = true;
    }
  }
  flush();
  return out;
}

const LOW_FIRST = new Set(['l', 'low', 'q', 'quarter', '0']);
const HIGH_LAST = new Set(['h', 'high', 'f', 'full', '2']);

/**
 * Janus assumes the first rid is the highest quality ('hml') unless told 'lmh'; senders that list
 * `l` before `h` (or low before high by name) need 'lmh', or substream 0 would be the high one.
 */
export function ridOrder(rids: string[]): 'hml' | 'lmh' {
  if (rids.length < 2) return 'hml';
  const first = (rids[0] ?? '').toLowerCase();
  const last = (rids[rids.length - 1] ?? '').toLowerCase();
  return LOW_FIRST.has(first) || HIGH_LAST.has(last) ? 'lmh' : 'hml';
}
