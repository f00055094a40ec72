import type { Video } from '@tremolo/protocol';
import type { GraphService } from '../../graph/service.ts';
import type { VideoRow, VideosService } from '../../videos/service.ts';
import type { History } from './types.ts';

/**
 * Stage 2, hydrate: what the later stages need loaded. The viewer's side (circle, blocks,
 * history) comes before the skeleton and the filter; the videos' side (counts, my like,
 * friends who liked, products) only for the rows a page keeps, since hydrating a whole For You
 * pool would cost queries for hundreds of videos.
 */

export interface ViewerContext {
  viewerId: string | null;
  friends: string[];
  following: string[];
  blocked: string[];
  /** null for someone logged out: nothing is remembered. */
  history: History | null;
}

export async function hydrateViewer(
  graph: Pick<GraphService, 'circle'>,
  historyOf: (userId: string) => Promise<History>,
  viewerId: string | null,
): Promise<ViewerContext> {
  const { friends, following, blocked } = viewerId ? await graph.circle(viewerId) : { friends: [], following: [], blocked: [] };
  const history = viewerId ? await historyOf(viewerId) : null;
  return { viewerId, friends, following, blocked, history };
}

/** The page's rows as the API shows them to this viewer, in the same order (a row gone meanwhile drops out). */
export function hydrateVideos(
  videos: Pick<VideosService, 'hydrate'>,
  viewerId: string | null,
  rows: VideoRow[],
  friends: string[],
): Promise<Video[]> {
  return videos.hydrate(viewerId, rows, friends);
}
