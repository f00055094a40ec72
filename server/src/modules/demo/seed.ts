import sharp from 'sharp';
import type { FastifyBaseLogger } from 'fastify';
import type { Services } from '../../app.ts';
import { seedShopDemo } from '../shop/demo.ts';

const DEMO_PASSWORD = 'tremolo-demo';

const PEOPLE = [
  {
    handle: 'lina_beauty',
    displayName: '琳娜 Lina',
    bio: '美妆达人 · daily makeup looks and honest reviews',
    colors: ['#ff5f8f', '#ffc371'],
  },
  {
    handle: 'chef_wang',
    displayName: '王师傅 Chef Wang',
    bio: '家常菜 in 60 seconds. Woks, knives and spice kits.',
    colors: ['#f7971e', '#ffd200'],
  },
  { handle: 'tech_zhou', displayName: '周科技 Zhou', bio: 'Gadgets, unboxings, 数码测评', colors: ['#2193b0', '#6dd5ed'] },
  { handle: 'mia_fan', displayName: 'Mia', bio: 'Here for the makeup and the food', colors: ['#8e2de2', '#4a00e0'] },
  { handle: 'xiaoyu', displayName: '小雨', bio: '学生 · 喜欢做饭', colors: ['#11998e', '#38ef7d'] },
  { handle: 'leo_fan', displayName: 'Leo', bio: 'Tech and noodles', colors: ['#fc4a1a', '#f7b733'] },
] as const;

/** pairs of [follower, followee]; mutual pairs make friends. */
const FOLLOWS: [string, string][] = [
  ['mia_fan', 'lina_beauty'],
  ['mia_fan', 'chef_wang'],
  ['xiaoyu', 'chef_wang'],
  ['xiaoyu', 'lina_beauty'],
  ['leo_fan', 'tech_zhou'],
  ['leo_fan', 'chef_wang'],
  ['lina_beauty', 'mia_fan'],
  ['chef_wang', 'lina_beauty'],
  ['lina_beauty', 'chef_wang'],
  ['tech_zhou', 'lina_beauty'],
  ['mia_fan', 'xiaoyu'],
  ['xiaoyu', 'mia_fan'],
];

function avatarSvg(colors: readonly [string, string], seed: number): string {
  const cx = 30 + ((seed * 37) % 40);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256">
  <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${colors[0]}"/><stop offset="1" stop-color="${colors[1]}"/></linearGradient></defs>
  <rect width="256" height="256" fill="url(#g)"/>
  <circle cx="128" cy="104" r="48" fill="rgba(255,255,255,0.85)"/>
  <ellipse cx="128" cy="236" rx="86" ry="70" fill="rgba(255,255,255,0.85)"/>
  <circle cx="${cx * 2}" cy="40" r="14" fill="rgba(255,255,255,0.35)"/>
</svg>`;
}

/** Creates demo creators and fans on an empty database, so a first start shows a living app. */
export async function seedDemo(services: Services, log: FastifyBaseLogger): Promise<void> {
  const existing = await services.accounts.byHandle(PEOPLE[0].handle).catch(() => null);
  if (existing) return;
  const started = Date.now();
  const ids = new Map<string, string>();
  for (const [i, p] of PEOPLE.entries()) {
    const user = await services.accounts.createUser({ handle: p.handle, displayName: p.displayName, password: DEMO_PASSWORD, bio: p.bio });
    const png = await sharp(Buffer.from(avatarSvg(p.colors, i)))
      .png()
      .toBuffer();
    await services.accounts.setAvatar(user.id, png);
    ids.set(p.handle, user.id);
  }
  for (const [follower, followee] of FOLLOWS) {
    await services.graph.follow(ids.get(follower)!, followee);
  }
  const shop = await seedShopDemo(services.shop, ids);
  log.info(
    { users: PEOPLE.length, follows: FOLLOWS.length, products: shop.products, ms: Date.now() - started },
    `demo content created (password: ${DEMO_PASSWORD})`,
  );
}
