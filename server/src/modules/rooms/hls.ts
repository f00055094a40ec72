/**
 * The compositor writes one HLS event playlist per room (every segment since the start, a
 * discontinuity where a new stage began). The audience's live playlist is its last few segments;
 * the replay is all of it, closed. Both are made here from the stored text, so one file in
 * storage is the recording and the live edge at once.
 */
export interface HlsSegment {
  uri: string;
  durationSec: number;
  /** Wall-clock time of the segment's first frame (EXT-X-PROGRAM-DATE-TIME), when written. */
  startsAt: number | null;
  /** A discontinuity comes before this segment (a new compositor run). */
  discontinuity: boolean;
}

/** Segment names the compositor writes (`<run id>-<number>.ts`); anything else is not served. */
export const SEGMENT_NAME = /^[a-z0-9]{4,16}-\d{5,9}\.ts$/;

export function parsePlaylist(text: string): { segments: HlsSegment[]; targetSec: number } {
  const segments: HlsSegment[] = [];
  let targetSec = 1;
  let duration = 0;
  let startsAt: number | null = null;
  let discontinuity = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXT-X-TARGETDURATION:')) targetSec = Number(line.slice(22)) || 1;
    else if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice(8));
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) {
      const t = Date.parse(line.slice(25).replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
      startsAt = Number.isNaN(t) ? null : t;
    } else if (line === '#EXT-X-DISCONTINUITY') discontinuity = true;
    else if (line && !line.startsWith('#')) {
      if (SEGMENT_NAME.test(line)) segments.push({ uri: line, durationSec: duration, startsAt, discontinuity });
      duration = 0;
      startsAt = null;
      discontinuity = false;
    }
  }
  return { segments, targetSec };
}

function render(
  segments: HlsSegment[],
  head: {
    targetSec: number;
    mediaSequence: number;
    discontinuitySequence: number;
    type?: 'EVENT' | 'VOD';
    ended: boolean;
    blockingReload?: boolean;
  },
): string {
  const target = Math.max(head.targetSec, ...segments.map((s) => Math.ceil(s.durationSec)));
  const out = [
    '#EXTM3U',
    '#EXT-X-VERSION:6',
    `#EXT-X-TARGETDURATION:${target}`,
    `#EXT-X-MEDIA-SEQUENCE:${head.mediaSequence}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${head.discontinuitySequence}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  if (head.type) out.push(`#EXT-X-PLAYLIST-TYPE:${head.type}`);
  if (head.blockingReload && !head.ended) out.push('#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES');
  for (const [i, s] of segments.entries()) {
    // The first segment of a window needs no discontinuity tag: the sequence number carries it.
    if (s.discontinuity && i > 0) out.push('#EXT-X-DISCONTINUITY');
    if (s.startsAt !== null) out.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(s.startsAt).toISOString()}`);
    out.push(`#EXTINF:${s.durationSec.toFixed(3)},`, s.uri);
  }
  if (head.ended) out.push('#EXT-X-ENDLIST');
  return `${out.join('\n')}\n`;
}

/**
 * The last `window` segments, numbered so that players following the edge see one stream (a
 * segment's media sequence number is its place in the recording). It offers blocking reloads: a
 * player asks for the next number and is answered as soon as that segment is listed.
 */
export function livePlaylist(text: string, window: number, ended: boolean): string {
  const { segments, targetSec } = parsePlaylist(text);
  const from = Math.max(0, segments.length - window);
  const discontinuitySequence = segments.slice(0, from + 1).filter((s, i) => s.discontinuity && i > 0).length;
  return render(segments.slice(from), { targetSec, mediaSequence: from, discontinuitySequence, ended, blockingReload: true });
}

/** Every segment from the start: the recording, closed when the room has ended. */
export function replayPlaylist(text: string, ended: boolean): string {
  const { segments, targetSec } = parsePlaylist(text);
  return render(segments, { targetSec, mediaSequence: 0, discontinuitySequence: 0, type: ended ? 'VOD' : 'EVENT', ended });
}

/** Run ids (base 36 ms since the epoch) that are plausible starts of a run: 2001 to 2286. */
const RUN_START = { min: 1e12, max: 1e13 };

/**
 * ffmpeg's program date-times count from when its muxer started, seconds after the picture's zero
 * (the run's start, which names its segments: see `CompositorRun.start`) while the inputs were
 * probed; a segment really starts at the run's start plus the segments of the run before it. The
 * playlist with those times, so replays place moments where they happened; segments of a run whose
 * name is no such time keep ffmpeg's.
 */
export function withRunTimes(text: string): string {
  const lines = text.split('\n');
  const offsets = new Map<string, number>();
  let duration = 0;
  let pdtLine = -1;
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice(8)) || 0;
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) pdtLine = i;
    else if (line && !line.startsWith('#')) {
      const run = line.slice(0, line.indexOf('-'));
      const start = Number.parseInt(run, 36);
      if (SEGMENT_NAME.test(line) && start >= RUN_START.min && start < RUN_START.max) {
        const offset = offsets.get(run) ?? 0;
        if (pdtLine >= 0) lines[pdtLine] = `#EXT-X-PROGRAM-DATE-TIME:${new Date(start + Math.round(offset * 1000)).toISOString()}`;
        offsets.set(run, offset + duration);
      }
      duration = 0;
      pdtLine = -1;
    }
  }
  return lines.join('\n');
}

/** Where a wall-clock moment falls in the recording, in seconds from its start (null: not recorded). */
export function offsetOf(text: string, at: number): number | null {
  let offset = 0;
  for (const s of parsePlaylist(text).segments) {
    if (s.startsAt !== null && at >= s.startsAt && at < s.startsAt + s.durationSec * 1000) return offset + (at - s.startsAt) / 1000;
    if (s.startsAt !== null && at < s.startsAt) return offset;
    offset += s.durationSec;
  }
  return null;
}
