import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { AppError } from './errors.ts';
import { type ImageIntakeSpec, intakeImage, processImage } from './image-intake.ts';
import type { Storage } from './storage.ts';

const SPEC: ImageIntakeSpec<'main' | 'thumb'> = {
  maxBytes: { bytes: 200_000, message: 'too big' },
  unsupported: 'not a picture',
  minSide: { px: 200, message: 'too small' },
  renditions: {
    main: { size: 300, fit: 'inside', quality: 82 },
    thumb: { size: 100, fit: 'cover', quality: 78 },
  },
};

function picture(width: number, height: number, format: 'png' | 'jpeg' | 'webp' | 'gif' = 'png'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .toFormat(format)
    .toBuffer();
}

async function refusal(p: Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
    return { status: err.status, code: err.code, message: err.message };
  }
  assert.fail('expected a refusal');
}

class MemoryStorage implements Storage {
  readonly files = new Map<string, Buffer>();
  put(key: string, bytes: Buffer): Promise<void> {
    this.files.set(key, bytes);
    return Promise.resolve();
  }
  remove(key: string): Promise<void> {
    this.files.delete(key);
    return Promise.resolve();
  }
  url(key: string): string {
    return `/media/${key}`;
  }
}

test('JPEG, PNG and WebP become WebP renditions: longer side capped (never enlarged), square thumbnail', async () => {
  for (const format of ['png', 'jpeg', 'webp'] as const) {
    const out = await processImage(await picture(600, 400, format), SPEC);
    assert.deepEqual([out.main.width, out.main.height], [300, 200], format);
    assert.deepEqual([out.thumb.width, out.thumb.height], [100, 100], format);
    for (const r of [out.main, out.thumb]) {
      const meta = await sharp(r.bytes).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['webp', r.width, r.height]);
    }
  }
  const small = await processImage(await picture(250, 220), SPEC);
  assert.deepEqual([small.main.width, small.main.height], [250, 220]);
});

test('the camera orientation is applied and metadata dropped', async () => {
  const rotated = await sharp(await picture(400, 250, 'jpeg'))
    .withMetadata({ orientation: 6 })
    .jpeg()
    .toBuffer();
  const out = await processImage(rotated, SPEC);
  assert.deepEqual([out.main.width, out.main.height], [188, 300]);
  const meta = await sharp(out.main.bytes).metadata();
  assert.equal(meta.orientation, undefined);
  assert.equal(meta.exif, undefined);
});

test('bytes that are not a JPEG, PNG or WebP are 415, whatever else they are', async () => {
  for (const bytes of [Buffer.from('not an image at all'), Buffer.alloc(0), await picture(300, 300, 'gif')]) {
    assert.deepEqual(await refusal(processImage(bytes, SPEC)), { status: 415, code: 'unsupported_media_type', message: 'not a picture' });
  }
});

test('too small is 422, too many bytes 413 before decoding, a truncated file 422', async () => {
  assert.deepEqual(await refusal(processImage(await picture(300, 199), SPEC)), {
    status: 422,
    code: 'unprocessable',
    message: 'too small',
  });
  assert.deepEqual(await refusal(processImage(Buffer.alloc(200_001), SPEC)), {
    status: 413,
    code: 'payload_too_large',
    message: 'too big',
  });
  const whole = await sharp({ create: { width: 800, height: 800, channels: 3, background: '#888' } })
    .composite([{ input: await picture(300, 300), top: 100, left: 100 }])
    .jpeg()
    .toBuffer();
  const truncated = await refusal(processImage(whole.subarray(0, Math.floor(whole.length / 2)), SPEC));
  assert.deepEqual([truncated.status, truncated.code], [422, 'unprocessable']);
});

test('without a minimum or byte limit any size passes; renditions are stored under their keys, nothing when refused', async () => {
  const storage = new MemoryStorage();
  const avatar: ImageIntakeSpec<'avatar'> = { unsupported: 'no', renditions: { avatar: { size: 64, fit: 'cover', quality: 82 } } };
  const out = await intakeImage(storage, await picture(20, 10), avatar, { avatar: 'avatars/a.webp' });
  assert.deepEqual([out.avatar.key, out.avatar.width, out.avatar.height], ['avatars/a.webp', 64, 64]);
  assert.deepEqual(storage.files.get('avatars/a.webp'), out.avatar.bytes);

  const both = await intakeImage(storage, await picture(400, 400), SPEC, { main: 'p/1.webp', thumb: 'p/1-thumb.webp' });
  assert.deepEqual([...storage.files.keys()].sort(), ['avatars/a.webp', 'p/1-thumb.webp', 'p/1.webp']);
  assert.equal(both.thumb.key, 'p/1-thumb.webp');

  await refusal(intakeImage(storage, Buffer.from('nope'), SPEC, { main: 'p/2.webp', thumb: 'p/2-thumb.webp' }));
  assert.equal(storage.files.size, 3);
});
