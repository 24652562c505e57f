import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isWholeImage } from '../../src/inputs/watch.js';

describe('telling a whole image from one still being written', () => {
  it('knows PNG, JPEG, WebP and GIF by their ends, and a cut one is not whole', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-watch-'));
    const image = sharp({ create: { width: 64, height: 48, channels: 3, background: '#a05030' } });
    const encodings: [string, Buffer][] = [
      ['a.png', await image.clone().png().toBuffer()],
      ['a.jpg', await image.clone().jpeg().toBuffer()],
      ['a.webp', await image.clone().webp().toBuffer()],
      ['a.gif', await image.clone().gif().toBuffer()],
    ];
    for (const [name, bytes] of encodings) {
      const whole = path.join(folder, name);
      const cut = path.join(folder, `cut-${name}`);
      await writeFile(whole, bytes);
      await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
      expect(await isWholeImage(whole), name).toBe(true);
      expect(await isWholeImage(cut), `cut ${name}`).toBe(false);
    }
  });

  it('takes a JPEG with the zero padding some cameras append', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-watch-'));
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).jpeg().toBuffer();
    const padded = path.join(folder, 'padded.jpg');
    await writeFile(padded, Buffer.concat([jpeg, Buffer.alloc(6)]));
    expect(await isWholeImage(padded)).toBe(true);
  });

  it('walks the structure, as the answers are checked: a PNG of several read buffers, cut inside IDAT and given an IEND, is not whole', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-watch-'));
    const noise = await sharp(randomBytes(200 * 200 * 3), { raw: { width: 200, height: 200, channels: 3 } }).png().toBuffer();
    expect(noise.length).toBeGreaterThan(64 * 1024);
    const whole = path.join(folder, 'noise.png');
    const mended = path.join(folder, 'mended.png');
    await writeFile(whole, noise);
    await writeFile(mended, Buffer.concat([noise.subarray(0, noise.length >> 1), noise.subarray(-12)]));
    expect(await isWholeImage(whole)).toBe(true);
    expect(await isWholeImage(mended)).toBe(false);
  });

  it('knows AVIF by its boxes', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-watch-'));
    const avif = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#a05030' } }).avif().toBuffer();
    const whole = path.join(folder, 'a.avif');
    const cut = path.join(folder, 'cut.avif');
    await writeFile(whole, avif);
    await writeFile(cut, avif.subarray(0, avif.length - 10));
    expect(await isWholeImage(whole)).toBe(true);
    expect(await isWholeImage(cut)).toBe(false);
  });
});
