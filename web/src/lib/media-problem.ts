/** Why the camera or microphone could not be opened, as a key the page explains. */
export type MediaProblem = 'denied' | 'notFound' | 'inUse' | 'insecure' | 'other';

export function mediaProblem(e: unknown): MediaProblem {
  if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) return 'insecure';
  const name = e instanceof DOMException ? e.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'notFound';
  if (name === 'NotReadableError' || name === 'AbortError') return 'inUse';
  return 'other';
}
