import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { FeedItem, Video } from '@tremolo/protocol';
import type { ApiError } from '../../lib/api.ts';
import { call } from '../../lib/client.ts';
import { keyOf, type Pages } from '../../lib/queries.ts';

/**
 * A video is cached wherever it was read: on its own page, in the feeds and in its author's list.
 * A change to one video (a like, a new comment, the end of processing) is written into every one of
 * them, so each screen that shows it agrees without refetching a feed.
 */

type Listed = FeedItem | Video;
const LISTS = [api.feeds.forYou, api.feeds.friends, api.videos.byAuthor, api.search.hashtagVideos] as const;

function isPages(data: unknown): data is Pages<Listed> {
  return typeof data === 'object' && data !== null && 'pages' in data && Array.isArray(data.pages);
}

function editList(data: unknown, id: string | ((v: Video) => boolean), edit: (v: Video) => Video | null): unknown {
  if (!isPages(data)) return data;
  const match = typeof id === 'string' ? (v: Video) => v.id === id : id;
  let touched = false;
  const pages = data.pages.map((page) => {
    let hit = false;
    const items = page.items.flatMap((it): Listed[] => {
      if ('type' in it) {
        if (it.type !== 'video' || !match(it.video)) return [it];
        hit = true;
        const next = edit(it.video);
        return next ? [{ ...it, video: next }] : [];
      }
      if (!match(it)) return [it];
      hit = true;
      const next = edit(it);
      return next ? [next] : [];
    });
    touched ||= hit;
    return hit ? { ...page, items } : page;
  });
  return touched ? { ...data, pages } : data;
}

/** Writes `edit`'s answer for video `id` into every cached list and its own page; `null` takes it out of the lists. */
export function editVideo(client: QueryClient, id: string, edit: (v: Video) => Video | null): void {
  client.setQueryData<Video>(keyOf(api.videos.get, { params: { id } }), (prev) => (prev ? (edit(prev) ?? prev) : prev));
  for (const e of LISTS) client.setQueriesData({ queryKey: [e.path] }, (prev: unknown) => editList(prev, id, edit));
}

/** After following a creator: every cached video of theirs loses its "+" follow button. */
export function markFollowing(client: QueryClient, authorId: string): void {
  const edit = (v: Video): Video => ({ ...v, followingAuthor: true });
  for (const e of LISTS)
    client.setQueriesData({ queryKey: [e.path] }, (prev: unknown) => editList(prev, (v) => v.author.id === authorId, edit));
  client.setQueriesData<Video>({ queryKey: [api.videos.get.path] }, (prev) =>
    prev && typeof prev === 'object' && 'author' in prev && prev.author.id === authorId ? edit(prev) : prev,
  );
}

/** Puts a freshly read video wherever it is cached. */
export function storeVideo(client: QueryClient, video: Video): void {
  editVideo(client, video.id, () => video);
}

/** Takes a video out of the For You feed that holds it ("not interested"). */
export function dropFromForYou(client: QueryClient, id: string): void {
  client.setQueriesData({ queryKey: [api.feeds.forYou.path] }, (prev: unknown) => editList(prev, id, () => null));
}

type LikeState = Pick<Video, 'likedByMe' | 'likes'>;

/**
 * Like or unlike, optimistically: the heart fills and the count moves at once everywhere the video
 * is shown; the server's answer settles the count, and a refusal puts back what was there.
 */
export function useLikeVideo(onError: (e: ApiError) => void) {
  const client = useQueryClient();
  return useMutation<{ liked: boolean; likes: number }, ApiError, { video: Video; on: boolean }, LikeState>({
    mutationFn: ({ video, on }) => call(on ? api.videos.like : api.videos.unlike, { params: { id: video.id } }),
    onMutate: ({ video, on }) => {
      editVideo(client, video.id, (v) => ({ ...v, likedByMe: on, likes: v.likes + (on ? 1 : -1) }));
      return { likedByMe: video.likedByMe, likes: video.likes };
    },
    onSuccess: (r, { video }) => editVideo(client, video.id, (v) => ({ ...v, likedByMe: r.liked, likes: r.likes })),
    onError: (e, { video }, before) => {
      if (before) editVideo(client, video.id, (v) => ({ ...v, ...before }));
      onError(e);
    },
  });
}
