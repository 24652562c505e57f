import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesProblem, fileProblem } from '../../src/inputs/wholeness.js';

const tiffs: Record<string, Buffer> = {};

beforeAll(async () => {
  const image = sharp({ create: { width: 40, height: 30, channels: 3, background: '#a05030' } });
  tiffs['jpeg-compressed strips'] = await image.clone().tiff().toBuffer();
  tiffs['lzw tiles'] = await image
    .clone()
    .tiff({ compression: 'lzw', tile: true, tileWidth: 16, tileHeight: 16 })
    .toBuffer();
  tiffs['uncompressed strips'] = await image.clone().tiff({ compression: 'none' }).toBuffer();
  tiffs.bigtiff = await image.clone().tiff({ bigtiff: true }).toBuffer();
});

describe('a TIFF, whole or still being written', () => {
  it('is whole when every directory and all its image data lie within the file, and not whole cut anywhere short of its end', async () => {
    for (const [name, tiff] of Object.entries(tiffs)) {
      expect(await bytesProblem(tiff), name).toBeNull();
      for (let cut = 1; cut < tiff.length; cut++)
        expect(await bytesProblem(tiff.subarray(0, cut)), `${name} cut at ${cut} of ${tiff.length}`).not.toBeNull();
    }
  });

  it('says what a cut TIFF lacks, and is read from the file where its offsets point', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'photoroom-wholeness-'));
    const tiff = tiffs['uncompressed strips']!;
    const whole = path.join(folder, 'whole.tif');
    const cut = path.join(folder, 'cut.tif');
    await writeFile(whole, tiff);
    await writeFile(cut, tiff.subarray(0, tiff.length - 100));
    expect(await fileProblem(whole)).toBeNull();
    expect(await fileProblem(cut)).toMatch(/^it ends before /);
    const unpointed = Buffer.from(tiff);
    unpointed.writeUInt32LE(0, 4);
    expect(await bytesProblem(unpointed)).toBe('its header does not point to a directory yet');
  });
});

describe('an SVG, whole or still being written', () => {
  it('is whole once its root element is closed', async () => {
    const svg = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><rect width="4" height="4"/></svg>';
    expect(await bytesProblem(Buffer.from(svg))).toBeNull();
    expect(await bytesProblem(Buffer.from(`${svg}\n<!-- made by hand -->\n`))).toBeNull();
    expect(await bytesProblem(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(await bytesProblem(Buffer.from(svg.slice(0, -6)))).toBe('it ends before its closing </svg> tag');
    expect(await bytesProblem(Buffer.from(svg.slice(0, svg.indexOf('/>') + 2)))).not.toBeNull();
  });
});
