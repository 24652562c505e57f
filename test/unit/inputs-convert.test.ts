import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { convertForUpload } from '../../src/inputs/convert.js';

/** Noise does not compress: its PNG is about 3 bytes a pixel. */
async function noisyPng(file: string, width: number, height: number): Promise<void> {
  const pixels = randomBytes(width * height * 3);
  await sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toFile(file);
}

/** A plain image of that size in `folder`, in the format its name's extension says, its path. */
async function plainImage(folder: string, name: string, size: { width: number; height: number }, orientation = 1) {
  const file = path.join(folder, name);
  await sharp({ create: { ...size, channels: 3, background: '#c08040' } })
    .withMetadata({ orientation })
    .toFile(file);
  return file;
}

describe('fitting an input within the endpoint limits', () => {
  it('scales it down until its bytes fit, in its own format, and removes the copy when asked', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-convert-'));
    const input = path.join(folder, 'noise.png');
    await noisyPng(input, 400, 300);
    const fitted = await convertForUpload(input, { kind: 'fit', maxBytes: 100_000 }, folder);
    expect(fitted.size).toBeLessThanOrEqual(100_000);
    expect(fitted.filename).toBe('noise.png');
    expect(path.dirname(path.dirname(fitted.path))).toBe(folder); // a folder of its own in the given temporary folder
    const { width = 0, height = 0, format } = await sharp(fitted.path).metadata();
    expect(format).toBe('png');
    expect(width).toBeLessThan(400);
    expect(Math.abs(width / height - 4 / 3)).toBeLessThan(0.02);
    await fitted.remove();
    expect(existsSync(fitted.path)).toBe(false);
  });

  it("fits a pixel count (the upscaler's) by the largest size within it, the aspect ratio kept, not a square", async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-convert-'));
    const banner = await plainImage(folder, 'banner.png', { width: 2000, height: 400 });
    const fix = { kind: 'fit', maxBytes: 30 * 1024 * 1024, maxPixels: 262_144 } as const;
    const fitted = await convertForUpload(banner, fix, folder);
    // The largest 5:1 size within 262,144 pixels (259,920), where 512x512 per side would give 512x102.
    expect(await sharp(fitted.path).metadata()).toMatchObject({ width: 1140, height: 228 });
    // A photo stored on its side (EXIF orientation 6) is fitted as it is seen, upright.
    const turned = await plainImage(folder, 'turned.jpg', { width: 400, height: 2000 }, 6);
    const upright = await convertForUpload(turned, fix, folder);
    expect(await sharp(upright.path).metadata()).toMatchObject({ width: 1140, height: 228 });
  });

  it('keeps a converted image whole: the same pixels, 8-bit sRGB PNG', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-convert-'));
    const input = await plainImage(folder, 'scan.tiff', { width: 30, height: 20 });
    const converted = await convertForUpload(input, { kind: 'convert', from: 'TIFF' }, folder);
    expect(converted.filename).toBe('scan.png');
    const [original, copy] = await Promise.all([sharp(input).raw().toBuffer(), sharp(converted.path).raw().toBuffer()]);
    expect(copy).toEqual(original);
    await converted.remove();
  });
});

describe('a conversion that fails', () => {
  it('blames the input, never the temporary file it writes: a cut TIFF is said to be not whole', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-convert-'));
    const tiff = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#a05030' } })
      .tiff()
      .toBuffer();
    const cut = path.join(folder, 'chess.tif');
    await writeFile(cut, tiff.subarray(0, tiff.length >> 1));
    const failure = convertForUpload(cut, { kind: 'convert', from: 'TIFF' }, folder);
    await expect(failure).rejects.toThrow(/^it is not whole: it ends before /);
    await expect(failure).rejects.not.toThrow(/unable to write to target/);
  });
});
