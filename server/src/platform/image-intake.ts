import sharp, { type Metadata } from 'sharp';
import { AppError } from './errors.ts';
import type { Storage } from './storage.ts';

/** Formats an upload may be in, recognised by its content (never its name or declared type). */
const ACCEPTED = new Set(['jpeg', 'png', 'webp']);
/** Decoding bombs stop here: about a 6,300 × 6,300 picture. */
const MAX_INPUT_PIXELS = 40_000_000;

/** One re-encoded rendition of the upload, always a WebP. */
interface ImageOutput {
  /** Longest side for `inside` (never enlarged), exact square for `cover` (cropped to fill). */
  size: number;
  fit: 'inside' | 'cover';
  quality: number;
}

/** What differs between the places that accept pictures: limits, renditions and the words of each refusal. */
export interface ImageIntakeSpec<R extends string> {
  /** Refused with `payload_too_large` before anything is decoded (the multipart limit applies anyway). */
  maxBytes?: { bytes: number; message: string };
  /** `unsupported_media_type` message: not a JPEG, PNG or WebP. */
  unsupported: string;
  /** Refused with `unprocessable` when either side is smaller. */
  minSide?: { px: number; message: string };
  renditions: Record<R, ImageOutput>;
}

export interface Rendition {
  bytes: Buffer;
  width: number;
  height: number;
}

const UNREADABLE = 'That image could not be read; is the file complete?';

/**
 * Checks an uploaded picture by its content and re-encodes it into each rendition of `spec`.
 * Re-encoding drops metadata such as GPS positions, and `rotate()` applies the camera's
 * orientation first. Refusals: `payload_too_large` (413), `unsupported_media_type` (415),
 * `unprocessable` (422: too small, or truncated/corrupt past its header).
 */
export async function processImage<R extends string>(bytes: Buffer, spec: ImageIntakeSpec<R>): Promise<Record<R, Rendition>> {
  if (spec.maxBytes && bytes.length > spec.maxBytes.bytes) throw new AppError('payload_too_large', spec.maxBytes.message);
  let meta: Metadata | undefined;
  try {
    meta = await sharp(bytes).metadata();
  } catch {
    meta = undefined;
  }
  if (!meta?.format || !ACCEPTED.has(meta.format)) throw new AppError('unsupported_media_type', spec.unsupported);
  if (spec.minSide && ((meta.width ?? 0) < spec.minSide.px || (meta.height ?? 0) < spec.minSide.px))
    throw new AppError('unprocessable', spec.minSide.message);
  try {
    const base = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).rotate();
    const out: Partial<Record<R, Rendition>> = {};
    for (const name of Object.keys(spec.renditions) as R[]) {
      const r = spec.renditions[name];
      const { data, info } = await base
        .clone()
        .resize(r.size, r.size, r.fit === 'inside' ? { fit: 'inside', withoutEnlargement: true } : { fit: 'cover' })
        .webp({ quality: r.quality })
        .toBuffer({ resolveWithObject: true });
      out[name] = { bytes: data, width: info.width, height: info.height };
    }
    return out as Record<R, Rendition>;
  } catch {
    throw new AppError('unprocessable', UNREADABLE);
  }
}

/**
 * `processImage`, then each rendition stored under the key `keys` gives it, in the area given:
 * the public one for what anyone may see, the private one for what only some people may.
 * Nothing is stored when the picture is refused.
 */
export async function intakeImage<R extends string>(
  storage: Pick<Storage, 'put'>,
  bytes: Buffer,
  spec: ImageIntakeSpec<R>,
  keys: Record<R, string>,
): Promise<Record<R, Rendition & { key: string }>> {
  const images = await processImage(bytes, spec);
  const stored: Partial<Record<R, Rendition & { key: string }>> = {};
  for (const name of Object.keys(spec.renditions) as R[]) {
    await storage.put(keys[name], images[name].bytes);
    stored[name] = { ...images[name], key: keys[name] };
  }
  return stored as Record<R, Rendition & { key: string }>;
}
