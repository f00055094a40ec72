import type { VideoRow } from '../videos/service.ts';

/** A ready public video row for the feed's unit tests; `over` sets what a test cares about. */
export const videoRow = (id: string, authorId: string, over: Partial<VideoRow> = {}): VideoRow => ({
  id,
  authorId,
  hashtags: [],
  caption: '',
  visibility: 'public',
  status: 'ready',
  error: null,
  durationMs: 1000,
  width: 1,
  height: 1,
  coverTimeMs: 0,
  videoKey: 'k',
  posterKey: 'p',
  productIds: [],
  takenDownAt: null,
  createdAt: new Date(0),
  ...over,
});
