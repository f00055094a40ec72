import * as api from '@tremolo/protocol/api';
import type { Surface } from '@tremolo/protocol';
import { call, uploadTo } from '../../lib/client.ts';

/** Calls the video screens make outside the query cache (uploads with progress, reports), typed by the endpoint declarations. */

const v = api.videos;

export const videosApi = {
  byAuthor: (handle: string, cursor: string | null, limit = 18) =>
    call(v.byAuthor, { params: { handle }, query: { limit, ...(cursor ? { cursor } : {}) } }),
  watch: (id: string, watchedMs: number, completed: boolean) =>
    call(v.watch, { params: { id }, body: { watchedMs: Math.round(watchedMs), completed } }),
  upload: (
    file: File,
    fields: { caption: string; hashtags: string; visibility: string; coverTimeMs: number | null; productIds: string[] },
    onProgress: (f: number) => void,
  ) =>
    uploadTo(v.upload, {
      file,
      onProgress,
      fields: {
        caption: fields.caption,
        hashtags: fields.hashtags,
        visibility: fields.visibility,
        ...(fields.coverTimeMs !== null ? { coverTimeMs: String(Math.round(fields.coverTimeMs)) } : {}),
        productIds: fields.productIds.join(','),
      },
    }),
  /** Attribution for a product seen or tapped on a video; best effort, never in the way. */
  touch: (productId: string, kind: 'view' | 'click', surface: Surface, surfaceId: string) =>
    call(api.shop.recordTouches, { body: { events: [{ productId, kind, surface, surfaceId }] } }).catch(() => undefined),
};

/** 1234 → "1.2K" / "1234"; 12345 → "1.2万" in Chinese. */
export function compactCount(n: number, lang: string): string {
  return new Intl.NumberFormat(lang, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}
