import assert from 'node:assert/strict';
import { test } from 'node:test';
import { livePlaylist, offsetOf, parsePlaylist, replayPlaylist, withRunTimes } from './hls.ts';

/** As ffmpeg writes it: two runs (a new stage at the fourth segment). */
const EVENT = `#EXTM3U
#EXT-X-VERSION:6
#EXT-X-TARGETDURATION:1
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:EVENT
#EXT-X-DISCONTINUITY
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-DISCONTINUITY
#EXTINF:1.000000,
#EXT-X-PROGRAM-DATE-TIME:2026-12-03T07:44:22.957+0000
aa11-00000.ts
#EXTINF:1.000000,
#EXT-X-PROGRAM-DATE-TIME:2026-12-03T07:44:23.957+0000
aa11-00001.ts
#EXTINF:0.500000,
#EXT-X-PROGRAM-DATE-TIME:2026-12-03T07:44:24.957+0000
aa11-00002.ts
#EXT-X-DISCONTINUITY
#EXTINF:1.000000,
#EXT-X-PROGRAM-DATE-TIME:2026-12-03T07:44:30.000+0000
bb22-00000.ts
#EXTINF:1.000000,
#EXT-X-PROGRAM-DATE-TIME:2026-12-03T07:44:31.000+0000
bb22-00001.ts
`;

test('parses segments with their times and discontinuities; foreign URIs are dropped', () => {
  const { segments } = parsePlaylist(`${EVENT}../../etc/passwd\n`);
  assert.deepEqual(
    segments.map((s) => s.uri),
    ['aa11-00000.ts', 'aa11-00001.ts', 'aa11-00002.ts', 'bb22-00000.ts', 'bb22-00001.ts'],
  );
  assert.equal(segments[0]!.startsAt, Date.parse('2026-12-03T07:44:22.957Z'));
  assert.deepEqual(
    segments.map((s) => s.discontinuity),
    [true, false, false, true, false],
  );
});

test('the live window: the last segments, their sequence numbers and the discontinuities before them', () => {
  const live = livePlaylist(EVENT, 2, false);
  assert.match(live, /#EXT-X-MEDIA-SEQUENCE:3\n/);
  assert.match(live, /#EXT-X-DISCONTINUITY-SEQUENCE:1\n/);
  assert.ok(!live.includes('aa11-'), live);
  assert.ok(!live.includes('ENDLIST'));
  const three = livePlaylist(EVENT, 3, false);
  assert.match(three, /#EXT-X-MEDIA-SEQUENCE:2\n#EXT-X-DISCONTINUITY-SEQUENCE:0\n/);
  assert.equal(three.split('#EXT-X-DISCONTINUITY\n').length, 2, 'one discontinuity inside the window');
  assert.match(livePlaylist(EVENT, 6, true), /#EXT-X-ENDLIST\n$/);
});

test('the replay: everything from the start, a VOD once ended', () => {
  const r = replayPlaylist(EVENT, true);
  assert.match(r, /#EXT-X-PLAYLIST-TYPE:VOD/);
  assert.equal(r.match(/\.ts/g)?.length, 5);
  assert.match(r, /#EXT-X-ENDLIST\n$/);
  assert.match(replayPlaylist(EVENT, false), /#EXT-X-PLAYLIST-TYPE:EVENT/);
});

test('a wall-clock moment maps to its place in the recording', () => {
  assert.equal(offsetOf(EVENT, Date.parse('2026-12-03T07:44:23.457Z')), 0.5);
  assert.equal(offsetOf(EVENT, Date.parse('2026-12-03T07:44:30.500Z')), 3);
  assert.equal(offsetOf(EVENT, Date.parse('2026-12-03T07:44:27Z')), 2.5, 'between runs: the next run’s start');
  assert.equal(offsetOf(EVENT, Date.parse('2026-12-03T08:00:00Z')), null);
});

test('program date-times from the runs: each run starts at the time its id names, its segments follow on', () => {
  const a = Date.parse('2026-12-04T19:00:00.000Z');
  const b = Date.parse('2026-12-04T19:05:00.250Z');
  const text = `#EXTM3U
#EXT-X-TARGETDURATION:1
#EXTINF:1.000000,
#EXT-X-PROGRAM-DATE-TIME:2026-12-04T19:00:07.000+0000
${a.toString(36)}-00000.ts
#EXTINF:0.960000,
#EXT-X-PROGRAM-DATE-TIME:2026-12-04T19:00:08.000+0000
${a.toString(36)}-00001.ts
#EXTINF:1.000000,
#EXT-X-PROGRAM-DATE-TIME:2026-12-04T19:00:08.960+0000
${a.toString(36)}-00002.ts
#EXT-X-DISCONTINUITY
#EXTINF:1.000000,
#EXT-X-PROGRAM-DATE-TIME:2026-12-04T19:05:09.000+0000
${b.toString(36)}-00000.ts
#EXTINF:1.000000,
#EXT-X-PROGRAM-DATE-TIME:2026-12-03T07:44:22.957+0000
aa11-00000.ts
`;
  const times = parsePlaylist(withRunTimes(text)).segments.map((s) => s.startsAt);
  assert.deepEqual(times, [a, a + 1000, a + 1960, b, Date.parse('2026-12-03T07:44:22.957Z')]);
  assert.equal(withRunTimes(EVENT), EVENT, 'names that are no time keep ffmpeg’s');
});
