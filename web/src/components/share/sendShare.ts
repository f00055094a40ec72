import { useCallback } from 'react';
import * as api from '@tremolo/protocol/api';
import type { ShareTarget } from '@tremolo/protocol';
import { call } from '../../lib/client.ts';
import { PublishError, type RealtimeClient } from '../../lib/realtime.ts';
import { useSession } from '../../lib/session.tsx';

/** How long a share waits for the realtime link to (re)open before it gives up. */
const CONNECT_WAIT_MS = 5000;

function newCid(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function whenOpen(realtime: RealtimeClient): Promise<void> {
  return new Promise((resolve, reject) => {
    let stop = (): void => undefined;
    const timer = setTimeout(() => {
      stop();
      reject(new PublishError('disconnected', 'Not connected'));
    }, CONNECT_WAIT_MS);
    stop = realtime.onStatus((s) => {
      if (s !== 'open') return;
      clearTimeout(timer);
      // onStatus calls back at once when already open: unsubscribe after this turn.
      queueMicrotask(() => stop());
      resolve();
    });
  });
}

/**
 * Sends a video, product, card, room or watch party into my DM with this person, as a share
 * card that opens in place. DMs travel on the realtime link; the DM channel's own policy decides
 * (friends, a message request's allowance, blocks), so a refused share fails here with the
 * server's reason.
 */
export async function sendShare(realtime: RealtimeClient | null, handle: string, target: ShareTarget, note?: string): Promise<void> {
  if (!realtime) throw new PublishError('disconnected', 'Not connected');
  const thread = await call(api.dms.get, { params: { handle } });
  if (realtime.currentStatus !== 'open') await whenOpen(realtime);
  await realtime.publish(thread.channel, newCid(), { kind: 'share', target, ...(note ? { text: note } : {}) });
}

/** `sendShare` bound to this session's realtime link. */
export function useSendShare(): (handle: string, target: ShareTarget, note?: string) => Promise<void> {
  const { realtime } = useSession();
  return useCallback((handle: string, target: ShareTarget, note?: string) => sendShare(realtime, handle, target, note), [realtime]);
}
