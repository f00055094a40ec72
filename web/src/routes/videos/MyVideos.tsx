import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import * as api from '@tremolo/protocol/api';
import type { Video } from '@tremolo/protocol';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { VideoTile } from '../../components/video/VideoGrid.tsx';
import { compactCount } from '../../components/video/videoApi.ts';
import { editVideo, storeVideo } from '../../components/video/videoCache.ts';
import styles from '../../components/video/video.module.css';
import { call } from '../../lib/client.ts';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
import { pagesKeyOf, useApiMutation, useApiPages } from '../../lib/queries.ts';
import { useSession } from '../../lib/session.tsx';
import { timeAgo } from '../../lib/time.ts';

const VIS: Record<Video['visibility'], MessageKey> = {
  public: 'upload.visibility.public',
  friends: 'upload.visibility.friends',
  private: 'upload.visibility.private',
};
const STATUS: Record<Video['status'], MessageKey> = { processing: 'status.processing', ready: 'status.ready', failed: 'status.failed' };

/** /me/videos — everything I posted with its processing state, live, and a way to delete. */
export function MyVideos() {
  const { t, tn, lang } = useI18n();
  const { me, realtime } = useSession();
  const client = useQueryClient();
  const [confirm, setConfirm] = useState<string | null>(null);
  const handle = me?.handle ?? '';
  const args = useMemo(() => ({ params: { handle }, query: { limit: 20 } }), [handle]);
  const pages = useApiPages(api.videos.byAuthor, args);
  const videos = useMemo(() => pages.data?.pages.flatMap((p) => p.items) ?? null, [pages.data]);
  const loading = pages.isPending || pages.isFetchingNextPage;
  const removing = useApiMutation(api.videos.remove, {
    // Gone from every list that held it; its own page answers 404 from now on.
    onSuccess: (_, a) => a && editVideo(client, a.params.id, () => null),
  });
  const error = removing.error ?? pages.error;

  // Processing ends in the background; the server tells me on my own channel.
  useEffect(() => {
    if (!realtime || !me) return;
    return realtime.subscribe(
      `user:${me.id}`,
      (ev) => {
        if (ev.body.kind !== 'video_status') return;
        call(api.videos.get, { params: { id: ev.body.videoId } })
          .then((v) => storeVideo(client, v))
          .catch(() => undefined);
      },
      () => void client.invalidateQueries({ queryKey: pagesKeyOf(api.videos.byAuthor, args) }),
    );
  }, [realtime, me, client, args]);

  const remove = (id: string) => {
    setConfirm(null);
    removing.mutate({ params: { id } });
  };

  return (
    <section className="stack" data-testid="my-videos">
      <header className="page-head page-head-row">
        <div className="page-head">
          <Link to="/me" className="back">
            ‹ {t('common.back')}
          </Link>
          <h1>{t('myVideos.title')}</h1>
        </div>
        <Link to="/create" className="btn btn-primary btn-small" data-testid="my-videos-post">
          {t('myVideos.post')}
        </Link>
      </header>
      {videos?.length === 0 && (
        <p className="empty" data-testid="my-videos-empty">
          {t('myVideos.empty')}
        </p>
      )}
      {videos && videos.length > 0 && (
        <ul className={styles['vrow-list']}>
          {videos.map((v) => (
            <li key={v.id} className={styles.vrow} data-testid="my-video" data-video-id={v.id} data-status={v.status}>
              <VideoTile video={v} />
              <div className={styles['vrow-text']}>
                <p>{v.caption || <span className="muted">—</span>}</p>
                <span className="muted small">
                  <span data-testid="my-video-status">{t(STATUS[v.status])}</span> · {t(VIS[v.visibility])} · {timeAgo(v.createdAt, lang)}
                </span>
                {v.status === 'ready' && (
                  <span className="muted small">
                    ♥ {compactCount(v.likes, lang)} · {tn('comments.count', v.comments)} · {tn('videos.views', v.views)}
                  </span>
                )}
                {v.status === 'failed' && v.error && (
                  <span className="small" style={{ color: '#ffb3b4' }}>
                    {v.error}
                  </span>
                )}
                {confirm === v.id ? (
                  <span className="actions-row">
                    <span className="small">{t('myVideos.deleteConfirm')}</span>
                    <button
                      type="button"
                      className="btn btn-danger btn-small"
                      onClick={() => remove(v.id)}
                      data-testid="my-video-delete-confirm"
                    >
                      {t('myVideos.delete')}
                    </button>
                    <button type="button" className="btn btn-ghost btn-small" onClick={() => setConfirm(null)}>
                      {t('common.cancel')}
                    </button>
                  </span>
                ) : (
                  <button
                    type="button"
                    className="btn btn-ghost btn-small"
                    style={{ alignSelf: 'flex-start' }}
                    onClick={() => setConfirm(v.id)}
                    data-testid="my-video-delete"
                  >
                    {t('myVideos.delete')}
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {loading && <Loading />}
      {error !== null && (
        <ErrorMessage
          error={error}
          onRetry={() => {
            removing.reset();
            if (pages.error) void (pages.data ? pages.fetchNextPage() : pages.refetch());
          }}
          testId="my-videos-error"
        />
      )}
      {pages.hasNextPage && !loading && (
        <button type="button" className="btn btn-ghost btn-block" onClick={() => void pages.fetchNextPage()}>
          {t('creatorVideos.more')}
        </button>
      )}
    </section>
  );
}
