// jsqr is CommonJS whose typings declare an ES default export; under NodeNext that is `.default`.
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import type { Locator } from 'playwright-core';

/** Decodes the QR code shown by an element from a screenshot of it: what a phone camera would see. */
export async function decodeQr(el: Locator): Promise<string | null> {
  const png = PNG.sync.read(await el.screenshot());
  const code = jsqr.default(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
  return code?.data ?? null;
}
