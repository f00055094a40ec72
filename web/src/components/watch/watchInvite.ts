import { useCallback } from 'react';
import type { RealtimeClient } from '../../lib/realtime.ts';
import { useSession } from '../../lib/session.tsx';
import { sendShare } from '../share/sendShare.ts';

/** Sends a watch party into my DM with this person, as a share card they tap to join (see `sendShare`). */
export async function sendWatchInvite(realtime: RealtimeClient | null, handle: string, partyId: string): Promise<void> {
  return sendShare(realtime, handle, { type: 'watch', id: partyId });
}

/** `sendWatchInvite` bound to this session's realtime link. */
export function useWatchInvite(): (handle: string, partyId: string) => Promise<void> {
  const { realtime } = useSession();
  return useCallback((handle: string, partyId: string) => sendWatchInvite(realtime, handle, partyId), [realtime]);
}
