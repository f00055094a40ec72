import type { ImageIntakeSpec } from '../../platform/image-intake.ts';

/** An avatar: any JPEG, PNG or WebP, re-encoded as a 512 px square WebP. */
export const AVATAR_IMAGE: ImageIntakeSpec<'avatar'> = {
  unsupported: 'Avatar must be a JPEG, PNG or WebP image',
  renditions: { avatar: { size: 512, fit: 'cover', quality: 82 } },
};
