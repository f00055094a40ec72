import type { Video } from '@tremolo/protocol';
import { ProductCard } from '../../components/shop/index.ts';
import { useI18n } from '../../lib/i18n.tsx';
import type { Control } from './WatchControls.tsx';
import styles from './WatchPlaylist.module.css';

/** The products of the video playing; each card records the party as where the sale came from. */
export function WatchProducts({ video, partyId }: { video: Video; partyId: string }) {
  const { t } = useI18n();
  if (video.products.length === 0) return null;
  return (
    <div>
      <h3 className="small">{t('watch.products')}</h3>
      {video.products.map((card) => (
        <ProductCard key={card.id} card={card} via={{ surface: 'watch', surfaceId: partyId }} size="compact" testId="watch-product" />
      ))}
    </div>
  );
}

/** The playlist; whoever may control jumps to a video. */
export function WatchPlaylist({
  videos,
  currentId,
  canControl,
  onControl,
}: {
  videos: Video[];
  currentId: string | null;
  canControl: boolean;
  onControl: Control;
}) {
  const { t } = useI18n();
  if (videos.length <= 1) return null;
  return (
    <ol className="small" data-testid="watch-playlist" aria-label={t('watch.playlist')}>
      {videos.map((v) => (
        <li key={v.id} className={v.id === currentId ? styles.current : undefined}>
          <button
            type="button"
            className="btn btn-quiet btn-small"
            disabled={!canControl}
            onClick={() => onControl('video', { videoId: v.id })}
          >
            {v.caption || v.id.slice(0, 8)}
          </button>
        </li>
      ))}
    </ol>
  );
}
