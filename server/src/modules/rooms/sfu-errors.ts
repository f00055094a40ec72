import { AppError } from '../../platform/errors.ts';
import { JanusError, JANUS_SESSION_NOT_FOUND, JANUS_UNAVAILABLE } from '../../platform/media/janus/connection.ts';

/**
 * Janus error codes (janus/apierror.h and the VideoRoom plugin's) grouped by what the client
 * should do about them. Anything not listed here is `media_failed`.
 */
const JANUS_NOT_LIVE = new Set([
  428, // VideoRoom: no such feed (none of the publishers asked for is live)
  435, // VideoRoom: not published
]);
const JANUS_BAD_INPUT = new Set([
  429, // VideoRoom: missing element
  430, // VideoRoom: invalid element
  431, // VideoRoom: invalid SDP type
  437, // VideoRoom: invalid SDP
  464, // core: unknown JSEP type
  465, // core: invalid SDP
]);
const JANUS_WRONG_STATE = new Set([
  424, // VideoRoom: join first
  425, // VideoRoom: already joined
  426, // VideoRoom: no such room (it was closed meanwhile)
  434, // VideoRoom: already published
]);
const JANUS_PUBLISHERS_FULL = 432;

/**
 * Turns whatever an SFU adapter threw into an error the person can act on: always a 4xx with a
 * machine-readable code, because a refused SDP or a feed that went away is not our crash, and a
 * 500 would tell the client neither to fix its request nor to wait for the stage to change.
 */
export function sfuFailure(err: unknown): AppError {
  if (err instanceof AppError) {
    // The adapters' own refusals are already explained; an adapter's "internal" is still a media failure.
    if (err.status < 500) return err;
    return new AppError('media_failed', `The media server could not do that: ${err.message}`);
  }
  if (err instanceof JanusError) {
    if (JANUS_NOT_LIVE.has(err.code)) return new AppError('media_not_live', 'Nobody you asked for is sending video now');
    if (JANUS_BAD_INPUT.has(err.code)) return new AppError('validation_failed', `The media server cannot use this: ${err.message}`);
    if (JANUS_WRONG_STATE.has(err.code)) return new AppError('invalid_state', `Not possible on the media server now: ${err.message}`);
    if (err.code === JANUS_PUBLISHERS_FULL) return new AppError('limit_reached', 'The media room is full');
    if (err.code === JANUS_UNAVAILABLE || err.code === JANUS_SESSION_NOT_FOUND)
      return new AppError('media_unavailable', 'The media server cannot be reached right now; try again in a moment');
    return new AppError('media_failed', `The media server refused (${err.code}): ${err.message}`);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new AppError('media_failed', `The media server refused: ${message}`);
}

/**
 * The least a WebRTC description must have for the SFU to be able to use it. werift applies a
 * remote answer it cannot make sense of without complaint (the connection then just never
 * comes up), so an obviously broken one is refused here, with a reason the client can log.
 */
export function assertUsableSdp(sdp: string, field: 'offerSdp' | 'answerSdp'): void {
  const lines = sdp.split(/\r?\n/);
  const missing = [
    lines[0] !== 'v=0' && 'the "v=0" first line',
    !lines.some((l) => l.startsWith('m=')) && 'a media section',
    !lines.some((l) => l.startsWith('a=ice-ufrag:')) && 'ICE credentials',
    !lines.some((l) => l.startsWith('a=fingerprint:')) && 'a DTLS fingerprint',
  ].filter((x): x is string => typeof x === 'string');
  if (missing.length)
    throw new AppError('validation_failed', `That is not a usable session description: it lacks ${missing.join(', ')}`, [
      { path: field, message: `lacks ${missing.join(', ')}` },
    ]);
}
