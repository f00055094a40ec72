import { Link } from 'react-router-dom';
import * as api from '@tremolo/protocol/api';
import { Avatar } from '../../components/Avatar.tsx';
import { clock } from '../../components/shop/live.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { useApiQuery } from '../../lib/queries.ts';
import styles from '../../components/shop/shop.module.css';

/** 讲解: the ended lives this product was shown in, each a link into its replay at that moment (or its room); nothing when none. */
export function ProductLiveMoments({ productId }: { productId: string }) {
  const { t } = useI18n();
  const moments = useApiQuery(api.rooms.productMoments, { query: { productId } });
  const items = moments.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section className="stack-tight" data-testid="product-live-moments">
      <h2 className="section-title">{t('shop.shownInLive')}</h2>
      {items.map((m) => (
        <Link
          key={`${m.roomId}-${m.at}`}
          // Into the replay at the moment, when the room has one; else the room's page.
          to={m.replayOffsetMs === null ? `/r/${m.roomId}` : `/r/${m.roomId}?t=${Math.floor(m.replayOffsetMs / 1000)}`}
          className={styles['seller-row']}
          data-testid="product-live-moment"
          data-replay={m.replayOffsetMs !== null}
        >
          <Avatar user={m.host} size={32} />
          <span className={styles['stack-0']}>
            <strong>{m.roomTitle}</strong>
            <span className="small muted">
              {t('shop.shownAt', { name: m.host.displayName, time: clock(m.replayOffsetMs ?? m.offsetMs) })}
            </span>
          </span>
        </Link>
      ))}
    </section>
  );
}
