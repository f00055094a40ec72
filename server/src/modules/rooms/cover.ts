import { type ImageIntakeSpec, processImage } from '../../platform/image-intake.ts';

/** Covers are shown at most about a phone screen wide; larger ones only cost bandwidth. */
const COVER_MAX_SIDE = 1280;
const COVER_MIN_SIDE = 200;
/** Besides the multipart limit (which every upload route shares): a room cover needs no more. */
const MAX_COVER_BYTES = 5 * 1024 * 1024;

const COVER_IMAGE: ImageIntakeSpec<'cover'> = {
  maxBytes: { bytes: MAX_COVER_BYTES, message: `A cover is at most ${MAX_COVER_BYTES / 1024 / 1024} MB` },
  unsupported: 'A cover must be a JPEG, PNG or WebP image',
  minSide: { px: COVER_MIN_SIDE, message: `A cover must be at least ${COVER_MIN_SIDE}×${COVER_MIN_SIDE} pixels` },
  renditions: { cover: { size: COVER_MAX_SIDE, fit: 'inside', quality: 82 } },
};

/**
 * Checks a room cover by its content and re-encodes it as a WebP at most 1280 px on its longer
 * side, the way product images are (platform/image-intake.ts). The rooms service stores it.
 */
export async function processRoomCover(bytes: Buffer): Promise<Buffer> {
  return (await processImage(bytes, COVER_IMAGE)).cover.bytes;
}
