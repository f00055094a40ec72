import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import type { Video } from '@tremolo/protocol';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { VideoTile } from '../../components/video/VideoGrid.tsx';
import { compactCount, videosApi } from '../../components/video/videoApi.ts';
import '../../components/video/video.css';
import { useI18n, type MessageKey } from '../../lib/i18n.tsx';
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
  const [videos, setVideos] = useState<Video[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const handle = me?.handle ?? '';

  const load = useCallback(
    async (after: string | null) => {
      setLoading(true);
      setError(null);
      try {
        const p = await videosApi.byAuthor(handle, after, 20);
        setVideos((prev) => (after && prev ? [...prev, ...p.items] : p.items));
        setCursor(p.nextCursor);
      } catch (e) {
        setError(e);
      } finally {
        setLoading(false);
      }
    },
    [handle],
  );

  useEffect(() => {
    if (!realtime || !me) return;
    return realtime.subscribe(
      `user:${me.id}`,
      (ev) => {
        if (ev.body.kind !== 'video_status') return;
        const id = ev.body.videoId;
        videosApi
          .get(id)
          .then((v) => setVideos((prev) => prev?.map((x) => (x.id === id ? v : x)) ?? prev))
          .catch(() => undefined);
      },
      () => void load(null),
    );
  }, [realtime, me, load]);
  useEffect(() => {
    void load(null);
  }, [load]);

  const remove = async (id: string) => {
    setConfirm(null);
    try {
      await videosApi.remove(id);
      setVideos((prev) => prev?.filter((v) => v.id !== id) ?? prev);
    } catch (e) {
      setError(e);
    }
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
        <ul className="vrow-list">
          {videos.map((v) => (
            <li key={v.id} className="vrow" data-testid="my-video" data-video-id={v.id} data-status={v.status}>
              <VideoTile video={v} />
              <div className="vrow-text">
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
                      onClick={() => void remove(v.id)}
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
      {error !== null && <ErrorMessage error={error} onRetry={() => void load(videos ? cursor : null)} testId="my-videos-error" />}
      {cursor && !loading && (
        <button type="button" className="btn btn-ghost btn-block" onClick={() => void load(cursor)}>
          {t('creatorVideos.more')}
        </button>
      )}
    </section>
  );
}
