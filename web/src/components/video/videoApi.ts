import { Comment, FeedPage, LikeResult, Ok, Video, api as endpoints, page, type Surface } from '@tremolo/protocol';
import { api, enc, upload, type Parser } from '../../lib/api.ts';
import { call } from '../../lib/client.ts';

/** The calls the video screens make, typed by the protocol schemas. */

const VideoPage = page(Video);
const CommentPage = page(Comment);
/** `{ hashtags: string[] }`; the protocol has the request schema, not a response one. */
const Interests: Parser<{ hashtags: string[] }> = {
  parse(value: unknown) {
    if (value && typeof value === 'object' && 'hashtags' in value && Array.isArray(value.hashtags) && value.hashtags.every((h) => typeof h === 'string')) {
      return { hashtags: value.hashtags };
    }
    throw new Error('not an interests answer');
  },
};

export const videosApi = {
  forYou: (limit = 6) => api.get(`/api/v1/feeds/for-you?limit=${limit}`, FeedPage),
  friends: (cursor: string | null, limit = 10) => {
    const q = new URLSearchParams({ limit: String(limit) });
    if (cursor) q.set('cursor', cursor);
    return api.get(`/api/v1/feeds/friends?${q}`, FeedPage);
  },
  get: (id: string) => api.get(`/api/v1/videos/${enc(id)}`, Video),
  byAuthor: (handle: string, cursor: string | null, limit = 18) => {
    const q = new URLSearchParams({ limit: String(limit) });
    if (cursor) q.set('cursor', cursor);
    return api.get(`/api/v1/users/${enc(handle)}/videos?${q}`, VideoPage);
  },
  like: (id: string, on: boolean) => (on ? api.put(`/api/v1/videos/${enc(id)}/like`, LikeResult) : api.delete(`/api/v1/videos/${enc(id)}/like`, LikeResult)),
  watch: (id: string, watchedMs: number, completed: boolean) => api.post(`/api/v1/videos/${enc(id)}/watch`, Ok, { watchedMs: Math.round(watchedMs), completed }),
  notInterested: (id: string) => api.post(`/api/v1/videos/${enc(id)}/not-interested`, Ok),
  remove: (id: string) => api.delete(`/api/v1/videos/${enc(id)}`, Ok),
  comments: (id: string, parentId: string | null, cursor: string | null) => {
    const q = new URLSearchParams({ limit: '20' });
    if (parentId) q.set('parentId', parentId);
    if (cursor) q.set('cursor', cursor);
    return api.get(`/api/v1/videos/${enc(id)}/comments?${q}`, CommentPage);
  },
  comment: (id: string, text: string, parentId: string | null) => api.post(`/api/v1/videos/${enc(id)}/comments`, Comment, parentId ? { text, parentId } : { text }),
  interests: () => api.get('/api/v1/me/interests', Interests),
  setInterests: (hashtags: string[]) => api.put('/api/v1/me/interests', Interests, { hashtags }),
  myProducts: () => call(endpoints.shop.myProducts, { query: { limit: 50 } }),
  upload: (file: File, fields: { caption: string; hashtags: string; visibility: string; coverTimeMs: number | null; productIds: string[] }, onProgress: (f: number) => void) =>
    upload('POST', '/api/v1/videos', 'file', file, Video, onProgress, {
      caption: fields.caption,
      hashtags: fields.hashtags,
      visibility: fields.visibility,
      ...(fields.coverTimeMs !== null ? { coverTimeMs: String(Math.round(fields.coverTimeMs)) } : {}),
      productIds: fields.productIds.join(','),
    }),
  /** Attribution for a product seen or tapped on a video; best effort, never in the way. */
  touch: (productId: string, kind: 'view' | 'click', surface: Surface, surfaceId: string) =>
    call(endpoints.shop.recordTouches, { body: { events: [{ productId, kind, surface, surfaceId }] } }).catch(() => undefined),
};

/** The link a person shares: the single-video page. */
export function videoUrl(id: string): string {
  return `${location.origin}/v/${id}`;
}

/** 1234 → "1.2K" / "1234"; 12345 → "1.2万" in Chinese. */
export function compactCount(n: number, lang: string): string {
  return new Intl.NumberFormat(lang, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}
