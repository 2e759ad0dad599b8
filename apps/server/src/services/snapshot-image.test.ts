/**
 * Snapshot image checks and rendering (S5): type by content, size and pixel limits, truncated
 * and corrupt files, the 1920×1080 fit, the 320×240 thumbnail and the stamp.
 */
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { PantauError } from '@pantau/shared';
import { inspectImage, renderSnapshot, sniffImageType, SNAPSHOT_MAX_BYTES } from './snapshot-image.js';
import { stampTime } from './snapshot-pipeline.js';
import { derivedPaths, originalPath } from '../repositories/storage-disk.js';
import { pngBomb, testPicture } from '../test-support/images.js';

const refusal = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(PantauError);
  return e as PantauError;
};

describe('inspectImage', () => {
  it('accepts JPEG, PNG and WebP by content and reports their size', async () => {
    for (const format of ['jpeg', 'png', 'webp'] as const) {
      const r = await inspectImage(await testPicture(640, 360, format));
      expect(r).toEqual({ mime: `image/${format}`, ext: format === 'jpeg' ? 'jpg' : format, width: 640, height: 360 });
    }
  });

  it('refuses what is not an image whatever it is called (415), and a GIF too', async () => {
    expect(sniffImageType(Buffer.from('<html>not a picture</html>'))).toBeNull();
    expect((await refusal(inspectImage(Buffer.from('%PDF-1.7 a document')))).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } })
      .gif()
      .toBuffer();
    expect((await refusal(inspectImage(gif))).status).toBe(415);
  });

  it('refuses a truncated JPEG and a corrupt PNG with VALIDATION_ERROR on the snapshot field', async () => {
    const jpg = await testPicture(800, 600);
    const truncated = await refusal(inspectImage(jpg.subarray(0, Math.floor(jpg.length * 0.6))));
    expect(truncated).toMatchObject({ code: 'VALIDATION_ERROR', status: 400, details: { field: 'snapshot' } });
    expect(truncated.message).toMatch(/truncated or corrupt/);
    const png = Buffer.from(await testPicture(300, 200, 'png'));
    png.fill(0x55, 60, 120); // scribble over the compressed data
    expect((await refusal(inspectImage(png))).code).toBe('VALIDATION_ERROR');
  });

  it('refuses a decompression bomb by its header, before decoding (413)', async () => {
    const bomb = pngBomb(8000, 8000); // 64 megapixels in a few dozen KB
    expect(bomb.length).toBeLessThan(200_000);
    const e = await refusal(inspectImage(bomb));
    expect(e).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413, details: { field: 'snapshot' } });
    expect(e.message).toMatch(/8000×8000/);
  });

  it('refuses an empty file and one over 10 MB', async () => {
    expect((await refusal(inspectImage(Buffer.alloc(0)))).code).toBe('VALIDATION_ERROR');
    const big = Buffer.concat([await testPicture(64, 64), Buffer.alloc(SNAPSHOT_MAX_BYTES)]);
    expect((await refusal(inspectImage(big))).code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('renderSnapshot', () => {
  it('fits a large picture inside 1920×1080, makes a 320×240 thumbnail, both JPEG, and stamps the corner', async () => {
    const src = await testPicture(3000, 2000, 'png');
    const { image, thumbnail } = await renderSnapshot(src, {
      time: '2026-11-21 10:00:00 GMT+7',
      place: 'Jakarta Pusat · Lobby',
    });
    expect([image.width, image.height]).toEqual([1620, 1080]);
    expect(await sharp(image.data).metadata()).toMatchObject({ format: 'jpeg', width: 1620, height: 1080 });
    expect(await sharp(thumbnail.data).metadata()).toMatchObject({ format: 'jpeg', width: 320, height: 240 });
    // the stamp's dark band covers the bottom-left corner (sampled below the text), not the top-left
    const mean = async (buf: Buffer, top: number) => {
      const px = await sharp(buf).extract({ left: 4, top, width: 100, height: 3 }).removeAlpha().raw().toBuffer();
      return px.reduce((sum, v) => sum + v, 0) / px.length;
    };
    const plain = await sharp(src).resize(1620, 1080).jpeg().toBuffer();
    expect(await mean(image.data, 1076)).toBeLessThan((await mean(plain, 1076)) * 0.7);
    expect(Math.abs((await mean(image.data, 4)) - (await mean(plain, 4)))).toBeLessThan(6);
  });

  it('never enlarges a small picture', async () => {
    const { image } = await renderSnapshot(await testPicture(640, 480), { time: 't', place: 'p' });
    expect([image.width, image.height]).toEqual([640, 480]);
  });
});

describe('storage paths', () => {
  it('puts originals under the site-local day and derives fixed image/thumbnail paths from them', () => {
    // 2026-11-21T20:00Z is already 22 November in Jakarta (UTC+7)
    const p = originalPath(
      new Date('2026-11-21T20:00:00.000Z'),
      'Asia/Jakarta',
      'png',
      '0b8c1d9e-0000-4000-8000-000000000001',
    );
    expect(p).toBe(
      `events/2026/11/22/${Date.parse('2026-11-21T20:00:00.000Z')}_0b8c1d9e-0000-4000-8000-000000000001.png`,
    );
    expect(derivedPaths(p)).toEqual({
      image: p.replace(/\.png$/, '_image.jpg'),
      thumbnail: p.replace(/\.png$/, '_thumb.jpg'),
    });
    expect(stampTime('2026-11-21T03:00:00.000Z', 'Asia/Jakarta')).toBe('2026-11-21 10:00:00 GMT+7');
  });
});
