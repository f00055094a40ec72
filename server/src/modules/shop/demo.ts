import sharp from 'sharp';
import type { ShopService } from './service.ts';

/** Demo shops for the demo creators: a few products with generated photos, coupons and one upcoming flash sale. */

interface DemoProduct {
  title: string;
  description: string;
  colors: [string, string];
  shape: 'tube' | 'bottle' | 'box' | 'pan' | 'bag' | 'buds' | 'brick' | 'keys' | 'knife';
  variants: { sku: string; options: Record<string, string>; price: number; stock: number }[];
}

const SHOPS: { handle: string; name: string; description: string; products: DemoProduct[] }[] = [
  {
    handle: 'lina_beauty',
    name: 'Lina Beauty 琳娜美妆',
    description: 'Everything from my daily looks, tested on camera.',
    products: [
      {
        title: 'Velvet Matte Lipstick 丝绒口红',
        description: 'Long-wear matte finish in three shades.',
        colors: ['#c2185b', '#ff8a80'],
        shape: 'tube',
        variants: [
          { sku: 'LIP-RUBY', options: { shade: 'Ruby' }, price: 8900, stock: 120 },
          { sku: 'LIP-CORAL', options: { shade: 'Coral' }, price: 8900, stock: 90 },
          { sku: 'LIP-NUDE', options: { shade: 'Nude' }, price: 8900, stock: 4 },
        ],
      },
      {
        title: 'Hydra Glow Serum 30ml 精华',
        description: 'Hyaluronic serum for a dewy base.',
        colors: ['#80deea', '#e1f5fe'],
        shape: 'bottle',
        variants: [{ sku: 'SERUM-30', options: {}, price: 19900, stock: 60 }],
      },
      {
        title: 'Brush Set (12 pcs) 化妆刷套装',
        description: 'Soft synthetic brushes with a travel case.',
        colors: ['#8d6e63', '#ffccbc'],
        shape: 'bag',
        variants: [{ sku: 'BRUSH-12', options: {}, price: 12900, stock: 40 }],
      },
    ],
  },
  {
    handle: 'chef_wang',
    name: '王师傅厨房 Chef Wang',
    description: 'The tools from my videos. 家常菜, done right.',
    products: [
      {
        title: 'Hand-forged Carbon Steel Wok 34cm 手工铁锅',
        description: 'Pre-seasoned, for real wok hei.',
        colors: ['#424242', '#ff9800'],
        shape: 'pan',
        variants: [{ sku: 'WOK-34', options: { size: '34cm' }, price: 32900, stock: 25 }],
      },
      {
        title: 'Sichuan Spice Kit 川味香料包',
        description: 'Peppercorns, chillies and star anise.',
        colors: ['#d84315', '#ffd54f'],
        shape: 'box',
        variants: [
          { sku: 'SPICE-MILD', options: { heat: 'Mild 微辣' }, price: 5900, stock: 200 },
          { sku: 'SPICE-HOT', options: { heat: 'Hot 特辣' }, price: 5900, stock: 150 },
        ],
      },
      {
        title: 'Chef Knife 8" 主厨刀',
        description: 'VG-10 steel, full tang.',
        colors: ['#90a4ae', '#eceff1'],
        shape: 'knife',
        variants: [{ sku: 'KNIFE-8', options: {}, price: 25900, stock: 30 }],
      },
    ],
  },
  {
    handle: 'tech_zhou',
    name: '周科技 Zhou Tech',
    description: 'Gadgets I reviewed and kept.',
    products: [
      {
        title: 'Wireless Earbuds Pro 降噪耳机',
        description: 'ANC, 30 h battery, USB-C.',
        colors: ['#263238', '#4fc3f7'],
        shape: 'buds',
        variants: [
          { sku: 'BUDS-BLK', options: { colour: 'Black' }, price: 39900, stock: 120 },
          { sku: 'BUDS-WHT', options: { colour: 'White' }, price: 39900, stock: 80 },
        ],
      },
      {
        title: '65W GaN Charger 氮化镓充电器',
        description: 'Three ports, folds flat.',
        colors: ['#37474f', '#b0bec5'],
        shape: 'brick',
        variants: [{ sku: 'GAN-65', options: {}, price: 14900, stock: 150 }],
      },
      {
        title: 'Mechanical Keyboard 机械键盘',
        description: 'Hot-swap, 75% layout.',
        colors: ['#311b92', '#b388ff'],
        shape: 'keys',
        variants: [
          { sku: 'KB-RED', options: { switch: 'Red' }, price: 45900, stock: 35 },
          { sku: 'KB-BROWN', options: { switch: 'Brown' }, price: 45900, stock: 20 },
        ],
      },
    ],
  },
];

function shapeSvg(shape: DemoProduct['shape']): string {
  const w = 'rgba(255,255,255,0.9)';
  const d = 'rgba(0,0,0,0.25)';
  switch (shape) {
    case 'tube':
      return `<rect x="340" y="300" width="120" height="320" rx="16" fill="${w}"/><rect x="355" y="190" width="90" height="130" rx="30" fill="${d}"/>`;
    case 'bottle':
      return `<rect x="300" y="330" width="200" height="300" rx="40" fill="${w}"/><rect x="360" y="230" width="80" height="110" fill="${d}"/>`;
    case 'bag':
      return `<rect x="220" y="300" width="360" height="300" rx="30" fill="${w}"/><path d="M320 300 Q400 180 480 300" stroke="${w}" stroke-width="24" fill="none"/>`;
    case 'pan':
      return `<ellipse cx="360" cy="430" rx="220" ry="120" fill="${d}"/><ellipse cx="360" cy="410" rx="200" ry="100" fill="${w}"/><rect x="560" y="395" width="200" height="30" rx="15" fill="${d}"/>`;
    case 'box':
      return `<rect x="230" y="260" width="340" height="340" rx="20" fill="${w}"/><rect x="230" y="340" width="340" height="40" fill="${d}"/>`;
    case 'knife':
      return `<path d="M180 460 L560 340 L600 380 L220 500 Z" fill="${w}"/><rect x="590" y="350" width="140" height="50" rx="20" transform="rotate(-18 660 375)" fill="${d}"/>`;
    case 'buds':
      return `<circle cx="320" cy="380" r="80" fill="${w}"/><circle cx="480" cy="380" r="80" fill="${w}"/><rect x="300" y="380" width="40" height="180" rx="20" fill="${w}"/><rect x="460" y="380" width="40" height="180" rx="20" fill="${w}"/>`;
    case 'brick':
      return `<rect x="280" y="280" width="240" height="260" rx="36" fill="${w}"/><rect x="330" y="560" width="30" height="70" fill="${d}"/><rect x="440" y="560" width="30" height="70" fill="${d}"/>`;
    case 'keys':
      return `<rect x="150" y="300" width="500" height="220" rx="24" fill="${w}"/>${Array.from({ length: 24 }, (_, i) => `<rect x="${175 + (i % 8) * 60}" y="${325 + Math.floor(i / 8) * 62}" width="46" height="46" rx="8" fill="${d}"/>`).join('')}`;
  }
}

function productSvg(p: DemoProduct): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800">
  <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${p.colors[0]}"/><stop offset="1" stop-color="${p.colors[1]}"/></linearGradient></defs>
  <rect width="800" height="800" fill="url(#g)"/>
  <ellipse cx="400" cy="680" rx="260" ry="36" fill="rgba(0,0,0,0.15)"/>
  ${shapeSvg(p.shape)}
</svg>`;
}

export async function seedShopDemo(shop: ShopService, ids: Map<string, string>): Promise<{ products: number }> {
  let products = 0;
  const now = shop.now().getTime();
  for (const s of SHOPS) {
    const sellerId = ids.get(s.handle);
    if (!sellerId) continue;
    await shop.catalog.upsertShop(sellerId, { name: s.name, description: s.description, currency: 'CNY' });
    for (const p of s.products) {
      const created = await shop.catalog.createProduct(sellerId, {
        title: p.title,
        description: p.description,
        variants: p.variants,
        lowStockThreshold: 5,
      });
      await shop.catalog.addImage(
        sellerId,
        created.id,
        await sharp(Buffer.from(productSvg(p)))
          .png()
          .toBuffer(),
      );
      const published = await shop.catalog.setStatus(sellerId, created.id, 'published');
      products++;
      if (s.handle === 'tech_zhou' && p.shape === 'buds') {
        const black = published.variants.find((v) => v.sku === 'BUDS-BLK')!;
        // Upcoming, so the demo shows a countdown on the card first.
        await shop.promotions.createFlashSale(sellerId, {
          variantId: black.id,
          price: 19900,
          stock: 50,
          perUserLimit: 1,
          startsAt: new Date(now + 10 * 60_000).toISOString(),
          endsAt: new Date(now + 30 * 60_000).toISOString(),
          paymentWindowSec: 600,
        });
      }
    }
    const window = { startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 30 * 86_400_000).toISOString() };
    await shop.promotions.createCoupon(sellerId, {
      title: '¥20 off ¥150',
      discount: { kind: 'amount', amountOff: 2000 },
      minSpend: 15000,
      totalQuantity: 500,
      perUserLimit: 1,
      scope: { kind: 'shop' },
      audience: { kind: 'everyone' },
      ...window,
    });
    await shop.promotions.createCoupon(sellerId, {
      title: 'Fans: 10% off',
      discount: { kind: 'percent', percentOff: 10 },
      minSpend: 0,
      totalQuantity: 200,
      perUserLimit: 1,
      scope: { kind: 'shop' },
      audience: { kind: 'followers' },
      ...window,
    });
  }
  return { products };
}
