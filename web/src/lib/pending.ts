import * as api from '@tremolo/protocol/api';
import { call } from './client.ts';

/**
 * What a visitor tried to do before they had an account (like a video, follow someone): kept in
 * this tab while they sign up or log in, then done, so they come back to it already done.
 */
export type PendingAction = { kind: 'like'; videoId: string } | { kind: 'follow'; handle: string };

const KEY = 'tremolo:pending-action';
/** An action left this long (the visitor wandered off) is forgotten, not done by surprise later. */
const MAX_AGE_MS = 30 * 60_000;
const UUID = /^[0-9a-f-]{36}$/;
const HANDLE = /^[a-z0-9_]{1,30}$/;

export function rememberAction(action: PendingAction): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ ...action, at: Date.now() }));
  } catch {
    // Storage refused (private mode): they still come back to the page, only the action is not done.
  }
}

export function forgetAction(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing kept, nothing to forget.
  }
}

/** The remembered action, once: it is removed as it is read. */
function takeAction(): PendingAction | null {
  let raw: string | null = null;
  try {
    raw = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
  } catch {
    return null;
  }
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as { kind?: unknown; videoId?: unknown; handle?: unknown; at?: unknown };
    if (typeof v.at !== 'number' || Date.now() - v.at > MAX_AGE_MS) return null;
    if (v.kind === 'like' && typeof v.videoId === 'string' && UUID.test(v.videoId)) return { kind: 'like', videoId: v.videoId };
    if (v.kind === 'follow' && typeof v.handle === 'string' && HANDLE.test(v.handle)) return { kind: 'follow', handle: v.handle };
  } catch {
    // Not ours, or from an older version: ignored.
  }
  return null;
}

/**
 * Does the remembered action as the person now logged in. A refusal (the video went private, a
 * block) is not worth an error on the way back: the page they return to shows the truth.
 */
export async function runPendingAction(): Promise<void> {
  const action = takeAction();
  if (!action) return;
  try {
    if (action.kind === 'like') await call(api.videos.like, { params: { id: action.videoId } });
    else await call(api.graph.follow, { params: { handle: action.handle } });
  } catch {
    // See above.
  }
}
