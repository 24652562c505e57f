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

  it('keeps a converted image whole: the same pixels, 8-bit sRGB PNG', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-convert-'));
    const input = path.join(folder, 'scan.tiff');
    await sharp({ create: { width: 30, height: 20, channels: 3, background: '#c08040' } })
      .tiff()
      .toFile(input);
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
