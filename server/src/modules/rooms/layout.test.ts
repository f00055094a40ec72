import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gridOf, stageAspect, tileLayout, type Tile } from './layout.ts';

const W = 720;
const H = 1280;

function area(t: Tile): number {
  return t.w * t.h;
}

function overlaps(a: Tile, b: Tile): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

test('the grid follows the app’s stage for 1…9 people', () => {
  const expected = [
    [1, 1],
    [2, 1],
    [2, 2],
    [2, 2],
    [3, 2],
    [3, 2],
    [3, 3],
    [3, 3],
    [3, 3],
  ];
  for (let n = 1; n <= 9; n++) assert.deepEqual(Object.values(gridOf(n)), expected[n - 1], `${n} people`);
});

test('1…9 tiles: as many as people, inside the frame, even sizes, no overlap, a full grid covers its area', () => {
  for (let n = 1; n <= 9; n++) {
    const tiles = tileLayout(n, W, H);
    assert.equal(tiles.length, n);
    for (const t of tiles) {
      assert.ok(t.x >= 0 && t.y >= 0 && t.x + t.w <= W && t.y + t.h <= H, `${n}: ${JSON.stringify(t)} inside`);
      assert.ok(t.w % 2 === 0 && t.h % 2 === 0 && t.x % 2 === 0 && t.y % 2 === 0, `${n}: even ${JSON.stringify(t)}`);
      assert.ok(t.w > 0 && t.h > 0);
    }
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) assert.ok(!overlaps(tiles[i]!, tiles[j]!), `${n}: ${i} and ${j} overlap`);
    const left = Math.min(...tiles.map((t) => t.x));
    const top = Math.min(...tiles.map((t) => t.y));
    const gridW = Math.max(...tiles.map((t) => t.x + t.w)) - left;
    const gridH = Math.max(...tiles.map((t) => t.y + t.h)) - top;
    const { cols, rows } = gridOf(n);
    if (cols * rows === n) {
      assert.equal(
        tiles.reduce((s, t) => s + area(t), 0),
        gridW * gridH,
        `${n}: a full grid leaves no gap`,
      );
      // The grid has the app stage's shape, as wide or as tall as the frame, centred.
      assert.ok(Math.abs(gridW / gridH - stageAspect(n)) < 0.02, `${n}: shape ${gridW}×${gridH}`);
      assert.ok(gridW === W || gridH === H, `${n}: as large as fits`);
      assert.ok(Math.abs(left - (W - gridW - left)) <= 2 && Math.abs(top - (H - gridH - top)) <= 2, `${n}: centred`);
    }
  }
});

test('two people keep portrait tiles as in the app, not strips', () => {
  const [a, b] = tileLayout(2, 720, 960);
  assert.deepEqual(a, { x: 0, y: 210, w: 360, h: 540 });
  assert.deepEqual(b, { x: 360, y: 210, w: 360, h: 540 });
});

test('reading order: left to right, then top to bottom', () => {
  const t = tileLayout(5, W, H);
  assert.deepEqual(
    t.map(({ x, y }) => [x, y]),
    [
      [0, 400],
      [240, 400],
      [480, 400],
      [0, 640],
      [240, 640],
    ],
  );
  assert.deepEqual(tileLayout(1, W, H), [{ x: 0, y: 160, w: W, h: 960 }]);
  assert.deepEqual(tileLayout(1, 720, 960), [{ x: 0, y: 0, w: 720, h: 960 }]);
  assert.deepEqual(
    tileLayout(2, W, H).map((x) => x.w),
    [360, 360],
  );
});

test('nobody gives no tiles; more than nine are cut to nine; odd frames still give even tiles', () => {
  assert.deepEqual(tileLayout(0, W, H), []);
  assert.equal(tileLayout(14, W, H).length, 9);
  for (const t of tileLayout(7, 640, 362)) assert.ok(t.w % 2 === 0 && t.h % 2 === 0, JSON.stringify(t));
});
