/**
 * Where each stage member's tile goes in the broadcast picture. The grid and its shape follow the
 * app's stage (`web/src/routes/rooms/media.ts` `stageLayout`, `Stage.module.css`): 1 full, 2 split,
 * 3–4 2×2, 5–6 3×2, 7–9 3×3, so the audience sees the picture the stage sees. The picture's size
 * is fixed for the whole broadcast while the stage's shape changes with its count, so the grid
 * takes the stage's shape, as large as fits, centred (stretching it to the frame would cut two
 * people's cameras to thin strips). Sizes are even because H.264 in 4:2:0 needs them so, and the
 * tiles cover the grid without gaps (the last column and row take the rest).
 */
export interface Tile {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const MAX_TILES = 9;

export function gridOf(n: number): { cols: number; rows: number } {
  if (n <= 1) return { cols: 1, rows: 1 };
  if (n === 2) return { cols: 2, rows: 1 };
  if (n <= 4) return { cols: 2, rows: 2 };
  if (n <= 6) return { cols: 3, rows: 2 };
  return { cols: 3, rows: 3 };
}

/** The app's stage shape (width / height) for `n` people. */
export function stageAspect(n: number): number {
  if (n <= 1) return 3 / 4;
  if (n === 2) return 4 / 3;
  if (n === 5 || n === 6) return 3 / 2;
  return 1;
}

const even = (v: number) => Math.floor(v / 2) * 2;

/** Tiles for `n` people (1…9, more are cut to 9) in a `width`×`height` frame, in stage order. */
export function tileLayout(n: number, width: number, height: number): Tile[] {
  const count = Math.min(Math.max(Math.floor(n), 0), MAX_TILES);
  if (count === 0) return [];
  const { cols, rows } = gridOf(count);
  const aspect = stageAspect(count);
  const gridW = even(Math.min(width, height * aspect));
  const gridH = even(Math.min(height, gridW / aspect));
  const left = even((width - gridW) / 2);
  const top = even((height - gridH) / 2);
  const cellW = even(gridW / cols);
  const cellH = even(gridH / rows);
  const tiles: Tile[] = [];
  for (let i = 0; i < count; i++) {
    const col = i % cols;
    const row = Math.floor(i / cols);
    const x = col * cellW;
    const y = row * cellH;
    tiles.push({ x: left + x, y: top + y, w: col === cols - 1 ? gridW - x : cellW, h: row === rows - 1 ? gridH - y : cellH });
  }
  return tiles;
}
