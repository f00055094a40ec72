import { useEffect, useRef, type MouseEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import type { ProductCard as ProductCardData, TouchContext } from '@tremolo/protocol';
import { useI18n } from '../../lib/i18n.tsx';
import { formatMoney, formatPriceRange } from '../../lib/money.ts';
import { clock, flashPhase, useLiveStock, useNow } from './live.ts';
import { productPath, recordTouch } from './util.ts';
import { RatingLine } from './Stars.tsx';
import styles from './shop.module.css';
import { cx } from '../../lib/cx.ts';

export interface ProductCardProps {
  card: ProductCardData;
  /** Where this card sits (video, room, group, DM …): recorded with views and carried to the product page. */
  via: TouchContext;
  /** `compact` for chat bubbles and overlays; `full` for lists. */
  size?: 'compact' | 'full';
  testId?: string;
  /** The person opened the product from this card (search counts it as a signal). */
  onOpen?: () => void;
  /** Buy in place (a sheet over a live room) instead of opening the product page. */
  onBuy?: () => void;
}

/**
 * The product card any surface embeds: image, title, price, live stock, a flash-sale countdown
 * and a buy button that opens the product page with the surface it came from.
 */
export function ProductCard({ card, via, size = 'full', testId = 'product-card', onOpen, onBuy }: ProductCardProps) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const live = useLiveStock(card);
  const sale = card.flashSale;
  const now = useNow(sale !== null);
  const phase = sale ? flashPhase(sale, live.flashLeft, live.flashStatus, now) : null;
  const ref = useRef<HTMLElement>(null);
  const href = productPath(card.id, via);
  // The surface is compared by its fields below; the object itself is new on every render.
  const viaRef = useRef(via);
  viaRef.current = via;

  // A view counts once the card is at least half on screen.
  useEffect(() => {
    const el = ref.current;
    const via = viaRef.current;
    if (!el || typeof IntersectionObserver === 'undefined') return recordTouch(card.id, 'view', via);
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          recordTouch(card.id, 'view', via);
          io.disconnect();
        }
      },
      { threshold: 0.5 },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [card.id, via.surface, via.surfaceId]);

  const inStock = sale && (phase === 'live' || phase === 'upcoming') ? true : live.stock > 0;
  const showFlash = sale !== null && (phase === 'upcoming' || phase === 'live' || phase === 'sold_out');
  const open = (e: MouseEvent) => {
    onOpen?.();
    if (!onBuy) return;
    e.preventDefault();
    onBuy();
  };

  return (
    <article ref={ref} className={cx(styles.pcard, styles[`pcard-${size}`])} data-testid={testId} data-product-id={card.id}>
      <Link to={href} className={styles['pcard-media']} tabIndex={-1} aria-hidden="true" onClick={open}>
        {card.imageUrl ? <img src={card.imageUrl} alt="" loading="lazy" /> : <span className={styles['pcard-placeholder']} />}
      </Link>
      <div className={styles['pcard-body']}>
        <Link to={href} className={styles['pcard-title']} onClick={open} data-testid="product-card-title">
          {card.title}
        </Link>
        <div className={styles['pcard-prices']}>
          {sale && showFlash ? (
            <>
              <span className={styles['pcard-price']} data-testid="product-card-flash-price">
                {formatMoney(sale.price.amount, sale.price.currency, lang)}
              </span>
              <s className="muted small">{formatPriceRange(card.price.min, card.price.max, card.price.currency, lang)}</s>
            </>
          ) : (
            <span className={styles['pcard-price']} data-testid="product-card-price">
              {formatPriceRange(card.price.min, card.price.max, card.price.currency, lang)}
            </span>
          )}
        </div>
        {card.rating && <RatingLine rating={card.rating} testId="product-card-rating" />}
        {sale && showFlash && phase && (
          <FlashStrip
            phase={phase}
            startsAt={sale.startsAt}
            endsAt={sale.endsAt}
            left={live.flashLeft ?? sale.stockLeft}
            total={sale.stockTotal}
            now={now}
          />
        )}
        {!showFlash && (
          <span className="small muted" data-testid="product-card-stock">
            {live.stock <= 0 ? t('shop.soldOut') : live.stock <= 5 ? t('card.fewLeft', { count: live.stock }) : t('shop.inStock')}
          </span>
        )}
        <button
          type="button"
          className={cx('btn', 'btn-primary', 'btn-small', styles['pcard-buy'])}
          disabled={!inStock || phase === 'sold_out'}
          onClick={() => {
            onOpen?.();
            if (onBuy) onBuy();
            else void navigate(href);
          }}
          data-testid="product-card-buy"
        >
          {phase === 'sold_out' || !inStock ? t('shop.soldOut') : phase === 'live' ? t('shop.grab') : t('shop.buy')}
        </button>
      </div>
    </article>
  );
}

/** The flash-sale line: countdown to the start or end, and units left, updated live. */
export function FlashStrip({
  phase,
  startsAt,
  endsAt,
  left,
  total,
  now,
}: {
  phase: ReturnType<typeof flashPhase>;
  startsAt: string;
  endsAt: string;
  left: number;
  total: number;
  now: number;
}) {
  const { t } = useI18n();
  const pct = total > 0 ? Math.max(0, Math.min(100, Math.round(((total - left) / total) * 100))) : 100;
  return (
    <div className={cx(styles.flash, styles[`flash-${phase}`])} data-testid="flash-strip" data-phase={phase}>
      <div className={styles['flash-row']}>
        <span className={styles['flash-tag']}>{t('shop.flashSale')}</span>
        {phase === 'upcoming' && (
          <span data-testid="flash-countdown">{t('shop.flashStartsIn', { time: clock(Date.parse(startsAt) - now) })}</span>
        )}
        {phase === 'live' && <span data-testid="flash-countdown">{t('shop.flashEndsIn', { time: clock(Date.parse(endsAt) - now) })}</span>}
        {phase === 'sold_out' && <strong data-testid="flash-sold-out">{t('shop.soldOut')}</strong>}
        {phase === 'ended' && <span>{t('shop.flashEnded')}</span>}
      </div>
      {phase !== 'ended' && phase !== 'cancelled' && (
        <div className={styles['flash-bar']} role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={total - left}>
          <span style={{ width: `${pct}%` }} />
          <em data-testid="flash-left">{t('shop.flashLeft', { count: left, total })}</em>
        </div>
      )}
    </div>
  );
}
