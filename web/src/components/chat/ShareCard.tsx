import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { api as endpoints, type ProductCard, type ShareTarget, type TouchContext } from '@tremolo/protocol';
import type { ApiError } from '../../lib/api.ts';
import { call } from '../../lib/client.ts';
import { useI18n } from '../../lib/i18n.tsx';
import { formatPriceRange } from '../../lib/money.ts';
import { keyOf, useApiQuery } from '../../lib/queries.ts';
import { Avatar } from '../Avatar.tsx';
import { ErrorMessage, Loading } from '../Status.tsx';
import { WatchInviteCard } from '../watch/WatchInviteCard.tsx';
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

/** A shared video, product, card, room or watch party: it opens in place, inside the chat. */
export function ShareCard({ target, text, via }: { target: ShareTarget; text?: string | undefined; via: TouchContext }) {
  return (
    <div className={styles['share-card']} data-testid="share-card" data-type={target.type}>
      {target.type === 'product' && <SharedProduct id={target.id} via={via} />}
      {target.type === 'video' && <SharedVideo id={target.id} />}
      {target.type === 'watch' && <WatchInviteCard id={target.id} />}
      {target.type === 'card' && <SharedPerson handle={target.handle} />}
      {target.type === 'room' && <SharedRoom id={target.id} />}
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

/** A shared card (个人名片): who it is, and the way to their card. */
function SharedPerson({ handle }: { handle: string }) {
  const { t, tn } = useI18n();
  const query = useApiQuery(endpoints.cards.card, { params: { handle } }, { retry: false });
  const card = query.data;
  if (query.error) return <p className="muted small">{t('chat.cardGone')}</p>;
  if (!card) return <Loading />;
  return (
    <Link to={`/u/${card.user.handle}`} className={styles['share-product']} data-testid="share-person">
      <Avatar user={card.user} size={56} />
      <span className={styles['share-product-text']}>
        <span className="muted small">{t('chat.sharedCard')}</span>
        <strong className={styles['share-product-title']}>{card.user.displayName}</strong>
        <span className="muted small">
          @{card.user.handle} · {tn('discover.followers', card.counts.followers)}
        </span>
        <span className="small">{t('chat.openCard')} ›</span>
      </span>
    </Link>
  );
}

/** A shared chat room: its title, host and whether it is live; entering stays the room's rule. */
function SharedRoom({ id }: { id: string }) {
  const { t, tn } = useI18n();
  const query = useApiQuery(endpoints.rooms.preview, { params: { id } }, { retry: false });
  const room = query.data;
  if (query.error) return <p className="muted small">{t('chat.roomGone')}</p>;
  if (!room) return <Loading />;
  return (
    <Link to={room.link} className={styles['share-product']} data-testid="share-room">
      {room.coverUrl ? <img src={room.coverUrl} alt="" loading="lazy" /> : <span className="product-placeholder" aria-hidden="true" />}
      <span className={styles['share-product-text']}>
        <span className="muted small">
          {t('chat.sharedRoom')} · {room.status === 'live' ? t('room.liveNow') : room.status === 'ended' ? t('room.ended') : ''}
        </span>
        <strong className={styles['share-product-title']}>{room.title}</strong>
        <span className="muted small">
          {t('room.hostedBy', { name: room.host.displayName })}
          {room.status === 'live' ? ` · ${tn('room.watchingN', room.viewers)}` : ''}
        </span>
        {room.status !== 'ended' && <span className="small">{t('chat.openRoom')} ›</span>}
      </span>
    </Link>
  );
}
