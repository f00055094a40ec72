import { useEffect, useMemo } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import { ErrorMessage, Loading } from '../Status.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useSession } from '../../lib/session.tsx';
import { call } from '../../lib/client.ts';
import { useApiPages } from '../../lib/queries.ts';
import { storeVideo } from './videoCache.ts';
import { VideoGrid } from './VideoGrid.tsx';

/** The creator's videos on their personal card: what I may see, newest first, more on demand. */
export function CreatorVideos({ handle }: { handle: string }) {
  const { t } = useI18n();
  const { me, realtime } = useSession();
  const queryClient = useQueryClient();
  const args = useMemo(() => ({ params: { handle }, query: { limit: 18 } }), [handle]);
  const pages = useApiPages(api.videos.byAuthor, args);
  const videos = useMemo(() => pages.data?.pages.flatMap((p) => p.items) ?? null, [pages.data]);
  const loading = pages.isPending || pages.isFetchingNextPage;
  const error = pages.error;
  const mine = me?.handle === handle;

  // My own videos finish processing while I look at them.
  useEffect(() => {
    if (!mine || !realtime || !me) return;
    return realtime.subscribe(`user:${me.id}`, (ev) => {
      if (ev.body.kind !== 'video_status') return;
      call(api.videos.get, { params: { id: ev.body.videoId } })
        .then((v) => storeVideo(queryClient, v))
        .catch(() => undefined);
    });
  }, [mine, realtime, me, queryClient]);

  return (
    <section className="panel creator-videos" data-testid="creator-videos">
      <h2 className="section-title">{t('creatorVideos.title')}</h2>
      {videos && videos.length > 0 && <VideoGrid videos={videos} />}
      {videos?.length === 0 && (
        <p className="muted small" data-testid="creator-videos-empty">
          {t('creatorVideos.empty')}
        </p>
      )}
      {loading && <Loading testId="creator-videos-loading" />}
      {error && (
        <ErrorMessage
          error={error}
          onRetry={() => void (pages.data ? pages.fetchNextPage() : pages.refetch())}
          testId="creator-videos-error"
        />
      )}
      {pages.hasNextPage && !loading && !error && (
        <button
          type="button"
          className="btn btn-ghost btn-small btn-block"
          onClick={() => void pages.fetchNextPage()}
          data-testid="creator-videos-more"
        >
          {t('creatorVideos.more')}
        </button>
      )}
    </section>
  );
}
