import sharp from 'sharp';
import { AppError } from '../../platform/errors.ts';

const ACCEPTED = new Set(['jpeg', 'png', 'webp']);
/** Covers are shown at most about a phone screen wide; larger ones only cost bandwidth. */
const COVER_MAX_SIDE = 1280;
const COVER_MIN_SIDE = 200;
/** Besides the multipart limit (which every upload route shares): a room cover needs no more. */
const MAX_COVER_BYTES = 5 * 1024 * 1024;

/**
 * Checks a room cover by its content (not its name or declared type) and re-encodes it as a
 * WebP at most 1280 px on its longer side, the way product images are: re-encoding also drops
 * metadata such as GPS positions, and `rotate()` applies the camera's orientation first.
 */
export async function processRoomCover(bytes: Buffer): Promise<Buffer> {
  if (bytes.length > MAX_COVER_BYTES) throw new AppError('payload_too_large', `A cover is at most ${MAX_COVER_BYTES / 1024 / 1024} MB`);
  let meta: { format?: string | undefined; width?: number | undefined; height?: number | undefined } | undefined;
  try {
    meta = await sharp(bytes).metadata();
  } catch {
    meta = undefined;
  }
  if (!meta?.format || !ACCEPTED.has(meta.format))
    throw new AppError('unsupported_media_type', 'A cover must be a JPEG, PNG or WebP image');
  if ((meta.width ?? 0) < COVER_MIN_SIDE || (meta.height ?? 0) < COVER_MIN_SIDE)
    throw new AppError('unprocessable', `A cover must be at least ${COVER_MIN_SIDE}×${COVER_MIN_SIDE} pixels`);
  try {
    return await sharp(bytes, { limitInputPixels: 40_000_000 })
      .rotate()
      .resize(COVER_MAX_SIDE, COVER_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 82 })
      .toBuffer();
  } catch {
    throw new AppError('unprocessable', 'That image could not be read; is the file complete?');
  }
}
