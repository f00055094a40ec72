import { buffer } from 'node:stream/consumers';
import { api, pathOf, type AftersalesRequest } from '@tremolo/protocol';
import type { PrivateFiles, PublicFiles, ReadableFiles } from '../../../platform/storage.ts';
import type { ImageRef } from '../tables.ts';

/**
 * Where after-sales photos live. A photo of a parcel may show the buyer's name, phone and
 * address, so it is kept in the private area and leaves only through
 * `GET /api/v1/shop/aftersales/:id/photos/:photoId`, which checks the viewer is the buyer, the
 * seller or a moderator.
 *
 * The first release kept them in the public area under `aftersales/…`; `PhotoStore.moveLegacy`
 * moves those (the sweeper calls it), and until it has, they are read from where they are.
 */
const PRIVATE_PREFIX = 'aftersales-photos';
const LEGACY_PREFIX = 'aftersales/';

export function photoKeys(requestId: string, photoId: string): { main: string; thumb: string } {
  return { main: `${PRIVATE_PREFIX}/${requestId}/${photoId}.webp`, thumb: `${PRIVATE_PREFIX}/${requestId}/${photoId}-thumb.webp` };
}

function isLegacy(photo: ImageRef): boolean {
  return photo.key.startsWith(LEGACY_PREFIX) || photo.thumbKey.startsWith(LEGACY_PREFIX);
}

/** Where a photo goes in its buyer's data archive (and what the archive's JSON calls it). */
export function archiveName(requestId: string, photoId: string): string {
  return `aftersales/${requestId}/${photoId}.webp`;
}

/** The photo as the API shows it: URLs of the checked route, never of the storage. */
export function photoDto(requestId: string, p: ImageRef): AftersalesRequest['photos'][number] {
  const url = pathOf(api.aftersales.photo, { id: requestId, photoId: p.id });
  return { id: p.id, url, thumbUrl: `${url}?size=thumb`, width: p.width, height: p.height };
}

export class PhotoStore {
  constructor(
    private readonly publicFiles: PublicFiles,
    readonly files: PrivateFiles,
  ) {}

  /** The public area, for a first-release photo not moved yet; null for a private one. */
  legacyAreaOf(key: string): ReadableFiles | null {
    return key.startsWith(LEGACY_PREFIX) ? this.publicFiles : null;
  }

  /** The area a stored photo is read from. */
  areaOf(key: string): ReadableFiles {
    return this.legacyAreaOf(key) ?? this.files;
  }

  /** Removes a photo just stored (always in the private area). */
  async remove(photo: ImageRef): Promise<void> {
    await this.files.remove(photo.key);
    await this.files.remove(photo.thumbKey);
  }

  /**
   * Copies a request's legacy public photos into the private area and returns their new refs; the
   * caller swaps them in the row (only if the row still holds `photos`) and then calls
   * `forgetLegacy` for the old public files. Copying twice is harmless: same keys, same bytes.
   */
  async copyLegacy(requestId: string, photos: ImageRef[]): Promise<ImageRef[]> {
    const out: ImageRef[] = [];
    for (const p of photos) {
      if (!isLegacy(p)) {
        out.push(p);
        continue;
      }
      const keys = photoKeys(requestId, p.id);
      for (const [from, to] of [
        [p.key, keys.main],
        [p.thumbKey, keys.thumb],
      ] as const) {
        // A legacy file already gone (a half-finished earlier move removed it) leaves the new copy as the truth.
        if (!(await this.publicFiles.stat(from))) continue;
        await this.files.put(to, await buffer(await this.publicFiles.read(from)));
      }
      out.push({ ...p, key: keys.main, thumbKey: keys.thumb });
    }
    return out;
  }

  async forgetLegacy(photos: ImageRef[]): Promise<void> {
    for (const p of photos.filter(isLegacy)) {
      await this.publicFiles.remove(p.key);
      await this.publicFiles.remove(p.thumbKey);
    }
  }
}
