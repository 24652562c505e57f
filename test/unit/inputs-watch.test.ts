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
});
