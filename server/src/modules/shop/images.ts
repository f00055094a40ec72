import sharp from 'sharp';
import { AppError } from '../../platform/errors.ts';

const ACCEPTED = new Set(['jpeg', 'png', 'webp']);
const IMAGE_MAX_SIDE = 1280;
const THUMB_SIZE = 400;
export const MAX_IMAGES = 9;

export interface ProcessedImage {
  main: Buffer;
  thumb: Buffer;
  width: number;
  height: number;
}

/**
 * Checks a product photo by its content (not its name or declared type) and re-encodes it:
 * a WebP at most 1280 px on its longer side for the product page, and a 400 px square
 * thumbnail for product cards. Re-encoding also drops metadata such as GPS positions.
 */
export async function processProductImage(bytes: Buffer): Promise<ProcessedImage> {
  let meta: { format?: string | undefined; width?: number | undefined; height?: number | undefined } | undefined;
  try {
    meta = await sharp(bytes).metadata();
  } catch {
    meta = undefined;
  }
  if (!meta?.format || !ACCEPTED.has(meta.format)) throw new AppError('unsupported_media_type', 'Product images must be JPEG, PNG or WebP');
  if ((meta.width ?? 0) < 200 || (meta.height ?? 0) < 200)
    throw new AppError('unprocessable', 'Product images must be at least 200×200 pixels');
  try {
    const base = sharp(bytes, { limitInputPixels: 40_000_000 }).rotate();
    const { data: main, info } = await base
      .clone()
      .resize(IMAGE_MAX_SIDE, IMAGE_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 82 })
      .toBuffer({ resolveWithObject: true });
    const thumb = await base.clone().resize(THUMB_SIZE, THUMB_SIZE, { fit: 'cover' }).webp({ quality: 78 }).toBuffer();
    return { main, thumb, width: info.width, height: info.height };
  } catch {
    throw new AppError('unprocessable', 'That image could not be read; is the file complete?');
  }
}
