/**
 * The shop's embeddable pieces. Any surface (video, room, group, DM) can show a product with
 *
 *   import { ProductCard } from '../components/shop';
 *   <ProductCard card={card} via={{ surface: 'video', surfaceId: videoId }} />
 *
 * `card` is the protocol's `ProductCard` (from `api.shop.cards` or embedded in a
 * payload); `via` says where the card sits, for the seller's per-surface insights.
 */
export { ProductCard } from './ProductCard.tsx';
