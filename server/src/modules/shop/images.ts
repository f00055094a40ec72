import type { ImageIntakeSpec } from '../../platform/image-intake.ts';

export const MAX_IMAGES = 9;

/**
 * A product photo: a WebP at most 1280 px on its longer side for the product page, and a 400 px
 * square thumbnail for product cards. `maxBytes` is the shop's own limit (SHOP_MAX_IMAGE_BYTES).
 */
export function productImageSpec(maxBytes: number): ImageIntakeSpec<'main' | 'thumb'> {
  return {
    maxBytes: { bytes: maxBytes, message: 'That image is too large' },
    unsupported: 'Product images must be JPEG, PNG or WebP',
    minSide: { px: 200, message: 'Product images must be at least 200×200 pixels' },
    renditions: {
      main: { size: 1280, fit: 'inside', quality: 82 },
      thumb: { size: 400, fit: 'cover', quality: 78 },
    },
  };
}
