import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import type { FeedItem } from '@tremolo/protocol';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { VideoPager } from '../../components/video/VideoPager.tsx';
import { videosApi } from '../../components/video/videoApi.ts';
import { ApiError } from '../../lib/api.ts';
import { useI18n } from '../../lib/i18n.tsx';

/** /v/:id — the page a shared link opens: that one video, full screen. */
export function VideoPage() {
  const { t } = useI18n();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [items, setItems] = useState<FeedItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setItems(null);
    setError(null);
    videosApi
      .get(id)
      .then((video) => !cancelled && setItems([{ type: 'video', video, reason: 'popular' }]))
      .catch((e: unknown) => !cancelled && setError(e));
    return () => {
      cancelled = true;
    };
  }, [id, attempt]);

  if (error !== null) {
    const gone = error instanceof ApiError && (error.code === 'not_found' || error.code === 'forbidden' || error.code === 'validation_failed');
    return (
      <div className="stack" data-testid="video-page-error">
        {gone ? <p className="empty">{t('videos.notFound')}</p> : <ErrorMessage error={error} onRetry={() => setAttempt((n) => n + 1)} />}
        <Link to="/" className="btn btn-ghost">
          {t('videos.moreVideos')}
        </Link>
      </div>
    );
  }
  if (!items) return <Loading testId="video-page-loading" />;
  const video = items[0]?.type === 'video' ? items[0].video : null;
  if (video && video.status !== 'ready') {
    return (
      <div className="stack" data-testid="video-page-unready" data-status={video.status}>
        <p className={video.status === 'failed' ? 'error-box' : 'note'}>{video.status === 'failed' ? t('upload.failed', { reason: video.error ?? '' }) : t('upload.processing')}</p>
        <Link to="/me/videos" className="btn btn-ghost">
          {t('myVideos.title')}
        </Link>
      </div>
    );
  }

  return (
    <div className="vscreen-host" data-testid="video-page">
      <VideoPager
        items={items}
        setItems={(next) => setItems((prev) => (typeof next === 'function' ? next(prev ?? []) : next))}
        hasMore={false}
        loading={false}
        error={null}
        testId="single-video"
        empty={<p className="empty">{t('videos.notFound')}</p>}
        overlay={
          <>
            <button type="button" className="vside vside-left vlink-plain" onClick={() => (history.length > 1 ? navigate(-1) : navigate('/'))} data-testid="video-page-back">
              ‹ {t('videos.back')}
            </button>
            <Link to="/" className="vside" data-testid="video-page-more">
              {t('videos.moreVideos')}
            </Link>
          </>
        }
      />
    </div>
  );
}
