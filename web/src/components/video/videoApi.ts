import { api, type Surface } from '@tremolo/protocol';
import { call, uploadTo } from '../../lib/client.ts';

/** The calls the video screens make, typed by the endpoint declarations. */

const v = api.videos;
const byId = (id: string) => ({ params: { id } });

export const videosApi = {
  forYou: (limit = 6) => call(api.feeds.forYou, { query: { limit } }),
  friends: (cursor: string | null, limit = 10) => call(api.feeds.friends, { query: { limit, ...(cursor ? { cursor } : {}) } }),
  get: (id: string) => call(v.get, byId(id)),
  byAuthor: (handle: string, cursor: string | null, limit = 18) =>
    call(v.byAuthor, { params: { handle }, query: { limit, ...(cursor ? { cursor } : {}) } }),
  like: (id: string, on: boolean) => call(on ? v.like : v.unlike, byId(id)),
  watch: (id: string, watchedMs: number, completed: boolean) =>
    call(v.watch, { ...byId(id), body: { watchedMs: Math.round(watchedMs), completed } }),
  notInterested: (id: string) => call(v.notInterested, byId(id)),
  remove: (id: string) => call(v.remove, byId(id)),
  comments: (id: string, parentId: string | null, cursor: string | null) =>
    call(v.comments, { ...byId(id), query: { limit: 20, ...(parentId ? { parentId } : {}), ...(cursor ? { cursor } : {}) } }),
  comment: (id: string, text: string, parentId: string | null) =>
    call(v.comment, { ...byId(id), body: parentId ? { text, parentId } : { text } }),
  interests: () => call(v.interests),
  setInterests: (hashtags: string[]) => call(v.setInterests, { body: { hashtags } }),
  myProducts: () => call(api.shop.myProducts, { query: { limit: 50 } }),
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

/** The link a person shares: the single-video page. */
export function videoUrl(id: string): string {
  return `${location.origin}/v/${id}`;
}

/** 1234 → "1.2K" / "1234"; 12345 → "1.2万" in Chinese. */
export function compactCount(n: number, lang: string): string {
  return new Intl.NumberFormat(lang, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}
