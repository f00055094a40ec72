import { Link } from 'react-router-dom';
import type { Video } from '@tremolo/protocol';
import { useI18n } from '../../lib/i18n.tsx';
import { HeartIcon } from './icons.tsx';
import { compactCount } from './videoApi.ts';
import { cx } from '../../lib/cx.ts';
import styles from './video.module.css';

/** Poster tiles of videos, three across; the uploader also sees processing and failed ones. */
export function VideoGrid({
  videos,
  testId = 'video-grid',
  onOpen,
}: {
  videos: Video[];
  testId?: string;
  onOpen?: (video: Video) => void;
}) {
  return (
    <ul className={styles.vgrid} data-testid={testId}>
      {videos.map((v) => (
        <li key={v.id}>
          <VideoTile video={v} onOpen={onOpen && (() => onOpen(v))} />
        </li>
      ))}
    </ul>
  );
}

export function VideoTile({ video: v, onOpen }: { video: Video; onOpen?: () => void }) {
  const { t, lang } = useI18n();
  const body = (
    <>
      {v.posterUrl ? (
        <img src={v.posterUrl} alt="" loading="lazy" />
      ) : (
        <span className={styles['vgrid-state']}>{v.status === 'processing' ? <span className="spinner" aria-hidden="true" /> : null}</span>
      )}
      {v.status !== 'ready' && (
        <span className={cx(styles['vgrid-badge'], styles[v.status])} data-testid="video-status">
          {t(v.status === 'processing' ? 'status.processing' : 'status.failed')}
        </span>
      )}
      {v.status === 'ready' && v.visibility !== 'public' && (
        <span className={styles['vgrid-badge']}>{t(v.visibility === 'friends' ? 'visibility.friends' : 'visibility.private')}</span>
      )}
      {v.caption && <span className={styles['vgrid-caption']}>{v.caption}</span>}
      {v.status === 'ready' && (
        <span className={styles['vgrid-likes']}>
          <HeartIcon filled={false} />
          {compactCount(v.likes, lang)}
        </span>
      )}
    </>
  );
  if (v.status !== 'ready') {
    return (
      <div
        className={styles['vgrid-item']}
        data-testid="video-tile"
        data-video-id={v.id}
        data-status={v.status}
        title={v.error ?? undefined}
      >
        {body}
      </div>
    );
  }
  return (
    <Link
      to={`/v/${v.id}`}
      onClick={onOpen}
      className={styles['vgrid-item']}
      data-testid="video-tile"
      data-video-id={v.id}
      data-status={v.status}
      aria-label={v.caption || v.author.displayName}
    >
      {body}
    </Link>
  );
}
