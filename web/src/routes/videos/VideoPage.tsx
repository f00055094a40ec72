import { useMemo } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import type { FeedItem } from '@tremolo/protocol';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { VideoPager } from '../../components/video/VideoPager.tsx';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiQuery } from '../../lib/queries.ts';
import styles from '../../components/video/video.module.css';
import { cx } from '../../lib/cx.ts';

/** /v/:id — the page a shared link opens: that one video, full screen. */
export function VideoPage() {
  const { t } = useI18n();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const query = useApiQuery(api.videos.get, { params: { id } });
  // The one video is read from the cache, where a like or a new comment writes it.
  const items = useMemo<FeedItem[] | null>(
    () => (query.data ? [{ type: 'video', video: query.data, reason: 'popular' }] : null),
    [query.data],
  );
  const error = query.error;

  if (error) {
    const gone = error.code === 'not_found' || error.code === 'forbidden' || error.code === 'validation_failed';
    return (
      <div className="stack" data-testid="video-page-error">
        {gone ? <p className="empty">{t('videos.notFound')}</p> : <ErrorMessage error={error} onRetry={() => void query.refetch()} />}
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
        <p className={video.status === 'failed' ? 'error-box' : 'note'}>
          {video.status === 'failed' ? t('upload.failed', { reason: video.error ?? '' }) : t('upload.processing')}
        </p>
        <Link to="/me/videos" className="btn btn-ghost">
          {t('myVideos.title')}
        </Link>
      </div>
    );
  }

  return (
    <div className={styles['vscreen-host']} data-testid="video-page">
      <VideoPager
        items={items}
        hasMore={false}
        loading={false}
        error={null}
        testId="single-video"
        empty={<p className="empty">{t('videos.notFound')}</p>}
        overlay={
          <>
            <button
              type="button"
              className={cx(styles.vside, styles['vside-left'], styles['vlink-plain'])}
              onClick={() => (history.length > 1 ? navigate(-1) : navigate('/'))}
              data-testid="video-page-back"
            >
              ‹ {t('videos.back')}
            </button>
            <Link to="/" className={styles.vside} data-testid="video-page-more">
              {t('videos.moreVideos')}
            </Link>
          </>
        }
      />
    </div>
  );
}
