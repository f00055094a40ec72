import sharp from 'sharp';
import { AppError } from '../../platform/errors.ts';

const ACCEPTED = new Set(['jpeg', 'png', 'webp']);
const AVATAR_SIZE = 512;

/** Checks an upload by its content (not its name or declared type) and re-encodes it as a square WebP. */
export async function processAvatar(bytes: Buffer): Promise<Buffer> {
  let format: string | undefined;
  try {
    format = (await sharp(bytes).metadata()).format;
  } catch {
    format = undefined;
  }
  if (!format || !ACCEPTED.has(format)) {
    throw new AppError('unsupported_media_type', 'Avatar must be a JPEG, PNG or WebP image');
  }
  try {
    return await sharp(bytes, { limitInputPixels: 40_000_000 })
      .rotate()
      .resize(AVATAR_SIZE, AVATAR_SIZE, { fit: 'cover' })
      .webp({ quality: 82 })
      .toBuffer();
  } catch {
    throw new AppError('unprocessable', 'That image could not be read; is the file complete?');
  }
}
