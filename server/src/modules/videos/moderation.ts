import type { ModerationService } from '../moderation/service.ts';
import type { VideosService } from './service.ts';

/** Videos and comments as moderation sees them: what a report copies, how a moderator removes (and an overturned appeal restores), how a held comment is released. */
export function registerVideoSurfaces(moderation: ModerationService, videos: VideosService): void {
  for (const kind of ['video', 'comment'] as const) {
    moderation.registerSurface(kind, {
      snapshot: async (viewerId, id) => {
        const found = await videos.reportable(viewerId, kind, id);
        if (!found) return null;
        const v = found.video;
        return {
          ownerId: found.ownerId,
          snapshot: {
            title: kind === 'video' ? 'Video' : 'Comment on a video',
            text: found.text,
            imageUrl: kind === 'video' && v.status === 'ready' ? `/api/v1/videos/${v.id}/poster` : null,
            context: kind === 'comment' ? [{ seq: 0, from: null, text: v.caption, reported: false }] : [],
          },
        };
      },
      remove: (id) => videos.takeDown(kind, id),
      restore: (id) => videos.restore(kind, id),
    });
  }
  moderation.onRelease('comment', async (h) => {
    const { text, parentId } = h.payload;
    if (typeof text !== 'string') return;
    await videos.releaseComment(h.authorId, h.placeId, text, typeof parentId === 'string' ? parentId : null);
  });
}
