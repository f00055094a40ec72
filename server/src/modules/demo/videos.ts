import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Services } from '../../app.ts';
import { findMediaTools, synthesize } from '../videos/media.ts';

/** Short demo clips made from ffmpeg's test sources, so the feeds are alive on first start; most link a product of their creator's demo shop. */
const CLIPS = [
  {
    creator: 'lina_beauty',
    source: 'smptehdbars',
    caption: '3 分钟通勤妆 Quick commute makeup #makeup #beauty',
    tone: 523,
    visibility: 'public',
    product: 'Velvet Matte Lipstick',
  },
  {
    creator: 'lina_beauty',
    source: 'rgbtestsrc',
    caption: 'Lip tint swatches, honest review #makeup #review',
    tone: 587,
    visibility: 'public',
    product: 'Hydra Glow Serum',
  },
  { creator: 'lina_beauty', source: 'yuvtestsrc', caption: 'Behind the scenes, friends only 🤫 #daily', tone: 659, visibility: 'friends' },
  {
    creator: 'chef_wang',
    source: 'testsrc2',
    caption: '番茄炒蛋 Tomato eggs in 60s #cooking #homecooking',
    tone: 392,
    visibility: 'public',
    product: 'Hand-forged Carbon Steel Wok',
  },
  {
    creator: 'chef_wang',
    source: 'mandelbrot',
    caption: 'Knife skills: julienne carrots #cooking #knife',
    tone: 440,
    visibility: 'public',
    product: 'Chef Knife',
  },
  {
    creator: 'chef_wang',
    source: 'testsrc',
    caption: 'Spice kit unboxing #cooking #unboxing',
    tone: 494,
    visibility: 'public',
    product: 'Sichuan Spice Kit',
  },
  {
    creator: 'tech_zhou',
    source: 'life',
    caption: '新耳机开箱 Earbuds unboxing #tech #unboxing',
    tone: 330,
    visibility: 'public',
    product: 'Wireless Earbuds Pro',
  },
  { creator: 'tech_zhou', source: 'cellauto', caption: 'Phone camera test at night #tech #camera', tone: 349, visibility: 'public' },
] as const;

const LIKES: [string, number][] = [
  ['mia_fan', 0],
  ['mia_fan', 1],
  ['mia_fan', 3],
  ['xiaoyu', 3],
  ['xiaoyu', 4],
  ['leo_fan', 6],
  ['leo_fan', 4],
  ['chef_wang', 0],
];

/** Runs after the server is listening: generating and processing clips takes a few seconds. */
export async function seedDemoVideos(services: Services, log: FastifyBaseLogger): Promise<void> {
  const tools = findMediaTools();
  if (!tools) return log.warn('ffmpeg not found: demo videos skipped');
  const lina = await services.accounts.byHandle('lina_beauty').catch(() => null);
  if (!lina) return;
  const existing = await services.videos.byAuthor(lina.id, 'lina_beauty', undefined, 1);
  if (existing.items.length > 0) return;
  const started = Date.now();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tremolo-demo-'));
  try {
    const ids: string[] = [];
    for (const [i, c] of CLIPS.entries()) {
      const file = path.join(dir, `clip-${i}.mp4`);
      await synthesize(tools, file, { source: c.source, seconds: 6, width: 360, height: 640, toneHz: c.tone });
      const author = await services.accounts.byHandle(c.creator);
      const productIds = 'product' in c ? await demoProductIds(services, c.creator, c.product) : '';
      const row = await services.videos.upload(author.id, file, {
        caption: c.caption,
        hashtags: '',
        visibility: c.visibility,
        coverTimeMs: 1000,
        productIds,
      });
      ids.push(row.id);
    }
    await services.videos.idle();
    for (const [handle, i] of LIKES) {
      const u = await services.accounts.byHandle(handle);
      await services.videos.like(u.id, ids[i]!, true);
    }
    log.info({ videos: ids.length, ms: Date.now() - started }, 'demo videos ready');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The creator's own demo product whose title starts with `title`, so "buy from a video" works on a
 * fresh start; none (an empty list) when the shop demo did not create it.
 */
async function demoProductIds(services: Services, handle: string, title: string): Promise<string> {
  const page = await services.shop.catalog.sellerProducts(handle, undefined, 50);
  return page.items.find((p) => p.title.startsWith(title))?.id ?? '';
}
