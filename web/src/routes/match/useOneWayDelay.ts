import { useCallback, useRef, useState } from 'react';
import { useSession } from '../../lib/session.tsx';
import { oneWayFromRtts } from './shake-detect.ts';

const PINGS = 5;
const PING_GAP_MS = 120;
/** The delay is measured again when the last estimate is older than this. */
const DELAY_FRESH_MS = 30_000;

/**
 * The one-way delay the server subtracts from a shake's arrival: half the best round trip of a
 * few pings on the same socket the shake travels on.
 */
export function useOneWayDelay() {
  const { realtime } = useSession();
  const [oneWayMs, setOneWayMs] = useState<number | null>(null);
  const measuredAt = useRef(0);
  const measure = useCallback(async (): Promise<number> => {
    if (!realtime) return 0;
    const sent = new Set<number>();
    const rtts: number[] = [];
    // Our probes carry performance.now(); the heartbeat's carry Date.now(), so they never mix.
    const off = realtime.onPong((ts) => {
      if (!sent.has(ts)) return;
      sent.delete(ts);
      rtts.push(performance.now() - ts);
    });
    try {
      for (let i = 0; i < PINGS; i++) {
        const ts = performance.now();
        if (realtime.ping(ts)) sent.add(ts);
        await new Promise((r) => setTimeout(r, PING_GAP_MS));
      }
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      off();
    }
    const owd = oneWayFromRtts(rtts) ?? 0;
    measuredAt.current = Date.now();
    setOneWayMs(owd);
    return owd;
  }, [realtime]);
  const current = useCallback(
    async () => (oneWayMs !== null && Date.now() - measuredAt.current < DELAY_FRESH_MS ? oneWayMs : measure()),
    [oneWayMs, measure],
  );
  return { oneWayMs, measure, current };
}
