import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { api as endpoints, type ProductCard, type ShareTarget, type TouchContext } from '@tremolo/protocol';
import type { ApiError } from '../../lib/api.ts';
import { call } from '../../lib/client.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { formatPriceRange } from '../../lib/money.ts';
import { keyOf, useApiQuery } from '../../lib/queries.ts';
import { ErrorMessage, Loading } from '../Status.tsx';
import styles from './chat.module.css';

/** Product cards asked for by many messages at once come back in one request; the query cache keeps each. */
let batch: { ids: Set<string>; waiters: Map<string, (p: ProductCard | null) => void>; fail: Map<string, (e: unknown) => void> } | null =
  null;

function fetchProduct(id: string): Promise<ProductCard | null> {
  return new Promise<ProductCard | null>((resolve, reject) => {
    if (!batch) {
      const b = {
        ids: new Set<string>(),
        waiters: new Map<string, (p: ProductCard | null) => void>(),
        fail: new Map<string, (e: unknown) => void>(),
      };
      batch = b;
      setTimeout(() => {
        batch = null;
        const ids = [...b.ids];
        call(endpoints.shop.cards, { query: { ids: ids.join(',') } })
          .then((r) => {
            const byId = new Map(r.items.map((c) => [c.id, c]));
            for (const id of ids) b.waiters.get(id)?.(byId.get(id) ?? null);
          })
          .catch((e: unknown) => {
            for (const id of ids) b.fail.get(id)?.(e);
          });
      }, 30);
    }
    batch.ids.add(id);
    batch.waiters.set(id, resolve);
    batch.fail.set(id, reject);
  });
}

/** A shared video, product or watch party: it opens in place, inside the chat. */
export function ShareCard({ target, text, via }: { target: ShareTarget; text?: string | undefined; via: TouchContext }) {
  return (
    <div className={styles['share-card']} data-testid="share-card" data-type={target.type}>
      {target.type === 'product' && <SharedProduct id={target.id} via={via} />}
      {target.type === 'video' && <SharedVideo id={target.id} />}
      {target.type === 'watch' && <SharedWatch id={target.id} />}
      {text && <p className={styles['share-text']}>{text}</p>}
    </div>
  );
}

function SharedProduct({ id, via }: { id: string; via: TouchContext }) {
  const { t, lang } = useI18n();
  // Under the cards endpoint's key, so a product edit that refreshes cards refreshes this one too.
  const query = useQuery<ProductCard | null, ApiError>({
    queryKey: [...keyOf(endpoints.shop.cards), 'one', id],
    queryFn: () => fetchProduct(id),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const card = query.data;
  if (query.error) return <ErrorMessage error={query.error} onRetry={() => void query.refetch()} />;
  if (card === undefined) return <Loading />;
  if (card === null) return <p className="muted small">{t('chat.productGone')}</p>;
  return (
    <Link to={`${card.url}?via=${via.surface}`} className={styles['share-product']} data-testid="share-product">
      {card.imageUrl ? <img src={card.imageUrl} alt="" loading="lazy" /> : <span className="product-placeholder" aria-hidden="true" />}
      <span className={styles['share-product-text']}>
        <span className="muted small">{t('chat.sharedProduct')}</span>
        <strong className={styles['share-product-title']}>{card.title}</strong>
        <span className="product-price">{formatPriceRange(card.price.min, card.price.max, card.price.currency, lang)}</span>
        {!card.inStock && <span className="muted small">{t('card.soldOut')}</span>}
      </span>
    </Link>
  );
}

function SharedVideo({ id }: { id: string }) {
  const { t } = useI18n();
  const query = useApiQuery(endpoints.videos.get, { params: { id } });
  const video = query.data;
  const [open, setOpen] = useState(false);
  if (query.error) return <p className="muted small">{t('chat.videoGone')}</p>;
  if (!video) return <Loading />;
  return (
    <div className={styles['share-video']}>
      {open && video.streamUrl ? (
        <div className={styles['share-video-player']}>
          <video
            src={video.streamUrl}
            poster={video.posterUrl ?? undefined}
            controls
            autoPlay
            playsInline
            data-testid="share-video-player"
          />
          <button type="button" className="btn btn-small btn-ghost" onClick={() => setOpen(false)}>
            {t('chat.close')}
          </button>
        </div>
      ) : (
        <button
          type="button"
          className={styles['share-video-poster']}
          onClick={() => setOpen(true)}
          disabled={!video.streamUrl}
          data-testid="share-video-open"
          aria-label={t('chat.open')}
        >
          {video.posterUrl ? (
            <img src={video.posterUrl} alt="" loading="lazy" />
          ) : (
            <span className="product-placeholder" aria-hidden="true" />
          )}
          <span className={styles['share-play']} aria-hidden="true">
            ▶
          </span>
        </button>
      )}
      <span className={styles['share-video-caption']}>
        <span className="muted small">
          {t('chat.sharedVideo')} · @{video.author.handle}
        </span>
        <span>{video.caption}</span>
      </span>
    </div>
  );
}

function SharedWatch({ id }: { id: string }) {
  const { t } = useI18n();
  return (
    <Link to={`/w/${id}`} className={styles['share-watch']}>
      ▶ {t('chat.sharedWatch')}
    </Link>
  );
}
