/**
 * The picture "Save card image" downloads: the shared thing's poster, its title, who it is from,
 * and a QR code of its link, drawn on a canvas (no server round trip), saved as a PNG.
 */
export interface CardImageInput {
  title: string;
  subtitle: string;
  /** Poster, product photo, avatar or cover; same-site or a CORS-enabled URL. */
  image: string | null;
  url: string;
  footer: string;
}

const W = 720;
const H = 1080;

function loadImage(src: string): Promise<HTMLImageElement | null> {
  return new Promise((resolve) => {
    const img = new Image();
    // A picture from another origin (object storage) would taint the canvas unless fetched with CORS.
    if (new URL(src, location.href).origin !== location.origin) img.crossOrigin = 'anonymous';
    img.onload = () => resolve(img);
    img.onerror = () => resolve(null);
    img.src = src;
  });
}

/** Lines of `text` that fit `width`, at most `max`, the last one ending with … when cut. */
function wrap(ctx: CanvasRenderingContext2D, text: string, width: number, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  // Per character, so Chinese (no spaces) wraps as well as English.
  for (const ch of [...text.replace(/\s+/g, ' ').trim()]) {
    if (ctx.measureText(line + ch).width > width && line) {
      lines.push(line.trim());
      line = ch.trimStart();
      if (lines.length === max) break;
    } else line += ch;
  }
  if (lines.length < max && line) lines.push(line.trim());
  else if (lines.length === max && line) lines[max - 1] = `${lines[max - 1]!.slice(0, -1)}…`;
  return lines;
}

/** Crops to fill the box, as `object-fit: cover`. */
function cover(ctx: CanvasRenderingContext2D, img: HTMLImageElement, x: number, y: number, w: number, h: number): void {
  const s = Math.max(w / img.naturalWidth, h / img.naturalHeight);
  const sw = w / s;
  const sh = h / s;
  ctx.drawImage(img, (img.naturalWidth - sw) / 2, (img.naturalHeight - sh) / 2, sw, sh, x, y, w, h);
}

export async function drawCardImage(input: CardImageInput): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = W;
  canvas.height = H;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('No 2D canvas');
  const bg = ctx.createLinearGradient(0, 0, W, H);
  bg.addColorStop(0, '#1f1f29');
  bg.addColorStop(1, '#0b0b10');
  ctx.fillStyle = bg;
  ctx.fillRect(0, 0, W, H);

  const pic = { x: 48, y: 48, w: W - 96, h: 620 };
  const img = input.image ? await loadImage(input.image) : null;
  ctx.save();
  ctx.beginPath();
  ctx.roundRect(pic.x, pic.y, pic.w, pic.h, 24);
  ctx.clip();
  if (img) cover(ctx, img, pic.x, pic.y, pic.w, pic.h);
  else {
    const g = ctx.createLinearGradient(pic.x, pic.y, pic.x + pic.w, pic.y + pic.h);
    g.addColorStop(0, '#fe2c55');
    g.addColorStop(1, '#25f4ee');
    ctx.fillStyle = g;
    ctx.fillRect(pic.x, pic.y, pic.w, pic.h);
  }
  ctx.restore();

  const font = '"PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", system-ui, sans-serif';
  ctx.fillStyle = '#f3f3f6';
  ctx.font = `bold 40px ${font}`;
  ctx.textBaseline = 'top';
  let y = pic.y + pic.h + 36;
  for (const line of wrap(ctx, input.title, W - 96, 2)) {
    ctx.fillText(line, 48, y);
    y += 52;
  }
  ctx.fillStyle = '#8f8fa3';
  ctx.font = `28px ${font}`;
  for (const line of wrap(ctx, input.subtitle, W - 96 - 200, 2)) {
    ctx.fillText(line, 48, y + 6);
    y += 38;
  }

  const qrSize = 168;
  const qr = document.createElement('canvas');
  const { default: QRCode } = await import('qrcode');
  await QRCode.toCanvas(qr, input.url, { margin: 1, width: qrSize, errorCorrectionLevel: 'M' });
  ctx.drawImage(qr, W - 48 - qrSize, H - 48 - qrSize, qrSize, qrSize);

  ctx.fillStyle = '#fe2c55';
  ctx.font = `bold 34px ${font}`;
  ctx.fillText('♪ Tremolo', 48, H - 48 - 90);
  ctx.fillStyle = '#8f8fa3';
  ctx.font = `24px ${font}`;
  ctx.fillText(input.footer, 48, H - 48 - 40);

  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob failed'))), 'image/png'));
}

/** Hands the picture to the browser as a download. */
export function downloadBlob(blob: Blob, name: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // After the click has started the download.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
