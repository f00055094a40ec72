/**
 * hls.js settings of the live broadcast (no imports: \`bench:broadcast\` plays with the very same).
 * The playlist offers blocking reloads, so hls.js (in its low-latency mode) hears of each segment
 * as soon as it is stored; it plays 1.5 s behind the newest segment's end, which leaves room for
 * the next segment to be late by half a second; a player that fell further behind (a slow start,
 * a stall) plays a little faster until it is back, and one more than 5 s behind jumps.
 */
export const LIVE_HLS_CONFIG = {
  lowLatencyMode: true,
  liveSyncDuration: 1.5,
  liveMaxLatencyDuration: 5,
  maxLiveSyncPlaybackRate: 1.25,
  manifestLoadingMaxRetry: 2,
  levelLoadingMaxRetry: 4,
};
