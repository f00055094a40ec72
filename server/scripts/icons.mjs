#!/usr/bin/env node
// Writes the app's icons into web/public from one drawing: the PNGs the web manifest and iOS ask
// for, and favicon.ico (PNG images inside an ICO container, which every browser reads).
// Run after changing the drawing: `node server/scripts/icons.mjs` (sharp is the server's); the outputs are committed.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

const out = path.join(import.meta.dirname, '..', '..', 'web', 'public');

/** The mark on a field; `pad` shrinks it into the safe zone of a maskable icon (80% circle). */
function drawing({ rounded, pad }) {
  const s = 512;
  const inner = s * (1 - 2 * pad);
  const k = inner / 32;
  const o = s * pad;
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${s} ${s}">
  <rect width="${s}" height="${s}" rx="${rounded ? s / 4 : 0}" fill="#fe2c55"/>
  <g transform="translate(${o} ${o}) scale(${k})">
    <path d="M9 20c3-8 5 8 7 0s4 8 7 0" stroke="#fff" stroke-width="3" fill="none" stroke-linecap="round"/>
  </g>
</svg>`);
}

const png = (svg, size) => sharp(svg).resize(size, size).png({ compressionLevel: 9 }).toBuffer();

const any = drawing({ rounded: true, pad: 0 });
// Full-bleed square: platforms apply their own mask (iOS rounds apple-touch-icon itself).
const full = drawing({ rounded: false, pad: 0.1 });

const files = {
  'icon-192.png': await png(any, 192),
  'icon-512.png': await png(any, 512),
  'icon-maskable-512.png': await png(full, 512),
  'apple-touch-icon.png': await png(full, 180),
};
for (const [name, body] of Object.entries(files)) await writeFile(path.join(out, name), body);

/** An ICO holding PNG images (allowed since Windows Vista; all browsers read it). */
function ico(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  const dir = Buffer.alloc(16 * images.length);
  let offset = 6 + dir.length;
  images.forEach(({ size, data }, i) => {
    const e = i * 16;
    dir.writeUInt8(size >= 256 ? 0 : size, e);
    dir.writeUInt8(size >= 256 ? 0 : size, e + 1);
    dir.writeUInt8(0, e + 2);
    dir.writeUInt8(0, e + 3);
    dir.writeUInt16LE(1, e + 4);
    dir.writeUInt16LE(32, e + 6);
    dir.writeUInt32LE(data.length, e + 8);
    dir.writeUInt32LE(offset, e + 12);
    offset += data.length;
  });
  return Buffer.concat([header, dir, ...images.map((x) => x.data)]);
}
await writeFile(
  path.join(out, 'favicon.ico'),
  ico([
    { size: 16, data: await png(any, 16) },
    { size: 32, data: await png(any, 32) },
    { size: 48, data: await png(any, 48) },
  ]),
);
console.log(`icons written to ${out}`);
