import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';

/**
 * Screenshots a story leaves of each screen it passes, for a person to look at: with `SHOTS=1`
 * under `.tmp/shots/<story>/`, or under `E2E_SHOTS_DIR` when that is set. Otherwise nothing is
 * taken, so a normal run pays nothing for them.
 */
/** Whether this run takes screenshots (for stories whose only purpose is the screenshots). */
export function shotsWanted(): boolean {
  return Boolean(process.env.E2E_SHOTS_DIR) || process.env.SHOTS === '1';
}

export function screenshots(story: string, opts: { fullPage?: boolean } = {}): (page: Page, name: string) => Promise<void> {
  const dir = process.env.E2E_SHOTS_DIR
    ? path.resolve(process.env.E2E_SHOTS_DIR)
    : process.env.SHOTS === '1'
      ? path.resolve(import.meta.dirname, '../../.tmp/shots', story)
      : null;
  return async (page, name) => {
    if (!dir) return;
    await mkdir(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: opts.fullPage ?? false });
  };
}
