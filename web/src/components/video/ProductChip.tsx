import { useEffect } from 'react';
import { Link } from 'react-router-dom';
import type { ProductCard, Surface } from '@tremolo/protocol';
import { useI18n } from '../../lib/i18n.tsx';
import { formatMoney, formatPriceRange } from '../../lib/money.ts';
import { BagIcon } from './icons.tsx';
import { videosApi } from './videoApi.ts';
import styles from './video.module.css';
import { cx } from '../../lib/cx.ts';

/** Where a product card sat, for attribution: a video, or the For You feed (via the video it came from). */
export interface ChipContext {
  surface: Extract<Surface, 'video' | 'feed'>;
  videoId: string | null;
}

function productHref(productId: string, videoId: string | null): string {
  return videoId ? `/p/${productId}?via=video:${videoId}` : `/p/${productId}`;
}

/**
 * A small product card on a video. The shop screens own the full card; this one only says what
 * it is and what it costs, links to the product page, and records the view and the tap.
 */
export function ProductChip({
  product,
  context,
  visible,
  large = false,
}: {
  product: ProductCard;
  context: ChipContext;
  visible: boolean;
  large?: boolean;
}) {
  const { t, lang } = useI18n();
  const surfaceId = context.videoId ?? undefined;

  useEffect(() => {
    if (visible && surfaceId) void videosApi.touch(product.id, 'view', context.surface, surfaceId);
  }, [visible, product.id, context.surface, surfaceId]);

  const sale = product.flashSale?.status === 'live' ? product.flashSale : null;
  const price = sale
    ? formatMoney(sale.price.amount, sale.price.currency, lang)
    : formatPriceRange(product.price.min, product.price.max, product.price.currency, lang);
  const low = product.inStock && product.stock > 0 && product.stock <= 5;

  return (
    <Link
      to={productHref(product.id, context.videoId)}
      className={cx(styles.vchip, large && styles['vchip-large'])}
      data-testid="video-product"
      data-product-id={product.id}
      onClick={(e) => {
        e.stopPropagation();
        if (surfaceId) void videosApi.touch(product.id, 'click', context.surface, surfaceId);
      }}
    >
      {product.imageUrl ? (
        <img src={product.imageUrl} alt="" className={styles['vchip-img']} />
      ) : (
        <span className={cx(styles['vchip-img'], styles['vchip-noimg'])}>
          <BagIcon />
        </span>
      )}
      <span className={styles['vchip-text']}>
        <span className={styles['vchip-title']}>{product.title}</span>
        <span className={styles['vchip-meta']}>
          <strong className={sale ? styles['vchip-sale'] : ''}>{price}</strong>
          {!product.inStock && <em>{t('videos.productSoldOut')}</em>}
          {low && <em>{t('videos.productLeft', { count: product.stock })}</em>}
        </span>
      </span>
      {large && <span className="btn btn-primary btn-small">{t('videos.viewProduct')}</span>}
    </Link>
  );
}
