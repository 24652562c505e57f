import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { RenderRefusal, renderEdit, renderSegment } from '../../src/emulator/render.js';
import type { Raster } from '../../src/emulator/raster.js';
import { decode, params, pixel, size } from '../support/rendered.js';

interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

type Rgb = { r: number; g: number; b: number };

const WHITE: Rgb = { r: 255, g: 255, b: 255 };
const RED: Rgb = { r: 220, g: 20, b: 20 };
const SUBJECT: Rect = { left: 150, top: 110, width: 100, height: 80 };

/** A plain backdrop with one solid rectangle on it: the simplest product shot. */
async function scene(
  options: { width?: number; height?: number; rect?: Rect; backdrop?: Rgb; colour?: Rgb; format?: 'png' | 'jpeg' } = {},
): Promise<Buffer> {
  const { width = 400, height = 300, rect = SUBJECT, backdrop = WHITE, colour = RED, format = 'png' } = options;
  const block = await sharp({ create: { width: rect.width, height: rect.height, channels: 3, background: colour } })
    .png()
    .toBuffer();
  const image = sharp({ create: { width, height, channels: 3, background: backdrop } }).composite([
    { input: block, left: rect.left, top: rect.top },
  ]);
  return format === 'jpeg' ? image.jpeg({ quality: 95 }).toBuffer() : image.png().toBuffer();
}

/** Bounding box of the pixels matching `test` (given the pixel's channel values). */
function boxWhere(image: Raster, test: (values: number[]) => boolean): Rect | null {
  let left = Infinity;
  let top = Infinity;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (!test(pixel(image, x, y))) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  return right < 0 ? null : { left, top, width: right - left + 1, height: bottom - top + 1 };
}

const isRed = ([r = 0, g = 0, b = 0, alpha = 255]: number[]) => alpha >= 128 && r > 150 && g < 100 && b < 100;

async function redBox(body: Buffer): Promise<Rect | null> {
  return boxWhere(await decode(body), isRed);
}

/** Within one pixel on every edge (resampling may round an edge either way). */
function expectBox(actual: Rect | null, expected: Rect): void {
  expect(actual).not.toBeNull();
  const box = actual as Rect;
  expect(Math.abs(box.left - expected.left), `left ${box.left} vs ${expected.left}`).toBeLessThanOrEqual(1);
  expect(Math.abs(box.top - expected.top), `top ${box.top} vs ${expected.top}`).toBeLessThanOrEqual(1);
  const right = box.left + box.width;
  const bottom = box.top + box.height;
  expect(Math.abs(right - (expected.left + expected.width)), `right ${right}`).toBeLessThanOrEqual(1);
  expect(Math.abs(bottom - (expected.top + expected.height)), `bottom ${bottom}`).toBeLessThanOrEqual(1);
}

describe('renderEdit: decoding', () => {
  it('refuses bytes that are not PNG, JPEG or WebP', async () => {
    await expect(renderEdit(Buffer.from('not an image'), params())).rejects.toThrow(RenderRefusal);
    await expect(renderEdit(Buffer.from('not an image'), params())).rejects.toThrow(
      /could not be decoded as PNG, JPEG or WebP/,
    );
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    await expect(renderEdit(svg, params())).rejects.toMatchObject({ status: 400 });
  });

  it('applies the EXIF orientation', async () => {
    // Stored 400x300, orientation 6 (rotate 90° clockwise to view): the result is 300x400.
    const rotated = await sharp(await scene())
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    expect(await size((await renderEdit(rotated, params())).body)).toEqual([300, 400]);
  });
});

describe('renderEdit: output size', () => {
  it('auto and originalImage keep the input size; the subject fits the output', async () => {
    const input = await scene();
    for (const outputSize of ['auto', 'originalImage']) {
      const { body } = await renderEdit(input, params({ outputSize }));
      expect(await size(body)).toEqual([400, 300]);
      expectBox(await redBox(body), { left: 13, top: 0, width: 375, height: 300 });
    }
  });

  it('croppedSubject is the subject box, plus padding', async () => {
    const input = await scene();
    const { body } = await renderEdit(input, params({ outputSize: 'croppedSubject' }));
    expect(await size(body)).toEqual([100, 80]);
    const padded = await renderEdit(input, params({ outputSize: 'croppedSubject', padding: '10px' }));
    expect(await size(padded.body)).toEqual([120, 100]);
    expectBox(await redBox(padded.body), { left: 10, top: 10, width: 100, height: 80 });
  });

  it('WIDTHxHEIGHT is taken as given', async () => {
    const { body } = await renderEdit(await scene(), params({ outputSize: '200x100' }));
    expect(await size(body)).toEqual([200, 100]);
    expectBox(await redBox(body), { left: 38, top: 0, width: 125, height: 100 });
  });

  it('maxWidth/maxHeight scale the result down', async () => {
    const input = await scene();
    const wide = await renderEdit(input, params({ outputSize: 'originalImage', maxWidth: 200 }));
    expect(await size(wide.body)).toEqual([200, 150]);
    const tall = await renderEdit(input, params({ outputSize: 'originalImage', maxWidth: 300, maxHeight: 150 }));
    expect(await size(tall.body)).toEqual([200, 150]);
  });
});

describe('renderEdit: positioning', () => {
  it('padding as a ratio, a percentage or pixels', async () => {
    const input = await scene();
    const expected = { left: 50, top: 30, width: 300, height: 240 };
    expectBox(await redBox((await renderEdit(input, params({ padding: 0.1 }))).body), expected);
    expectBox(await redBox((await renderEdit(input, params({ padding: '10%' }))).body), expected);
    expectBox(await redBox((await renderEdit(input, params({ padding: '20px' }))).body), {
      left: 38,
      top: 20,
      width: 325,
      height: 260,
    });
  });

  it('margin then padding, and per-side overrides', async () => {
    const input = await scene();
    const both = await renderEdit(input, params({ margin: 0.1, padding: 0.1 }));
    expectBox(await redBox(both.body), { left: 80, top: 54, width: 240, height: 192 });
    const left = await renderEdit(input, params({ padding: 0.1, paddingLeft: 0.3 }));
    expectBox(await redBox(left.body), { left: 120, top: 54, width: 240, height: 192 });
    const marginTop = await renderEdit(input, params({ outputSize: '400x400', marginTop: '100px' }));
    // 400x300 left under the margin: scale 3.75 → 375x300, pushed to the bottom of it.
    expectBox(await redBox(marginTop.body), { left: 13, top: 100, width: 375, height: 300 });
  });

  it('horizontal and vertical alignment', async () => {
    const input = await scene();
    const left = await redBox((await renderEdit(input, params({ padding: 0.1, horizontalAlignment: 'left' }))).body);
    expect(left?.left).toBe(40);
    const right = await redBox((await renderEdit(input, params({ padding: 0.1, horizontalAlignment: 'right' }))).body);
    expect((right?.left ?? 0) + (right?.width ?? 0)).toBe(360);
    const square = { outputSize: '400x400' };
    const top = await redBox((await renderEdit(input, params({ ...square, verticalAlignment: 'top' }))).body);
    expect(top?.top).toBe(0);
    const bottom = await redBox((await renderEdit(input, params({ ...square, verticalAlignment: 'bottom' }))).body);
    expect((bottom?.top ?? 0) + (bottom?.height ?? 0)).toBe(400);
  });

  it('a subject cropped at the bottom snaps to the bottom edge, unless told not to', async () => {
    const input = await scene({ rect: { left: 150, top: 220, width: 100, height: 80 } });
    const snapped = await redBox((await renderEdit(input, params({ padding: 0.1 }))).body);
    expectBox(snapped, { left: 40, top: 44, width: 320, height: 256 });
    const free = await redBox(
      (await renderEdit(input, params({ padding: 0.1, ignorePaddingAndSnapOnCroppedSides: false }))).body,
    );
    expectBox(free, { left: 50, top: 30, width: 300, height: 240 });
    const centred = await redBox((await renderEdit(input, params({ padding: 0.1, verticalAlignment: 'center' }))).body);
    expectBox(centred, { left: 50, top: 30, width: 300, height: 240 });
  });

  it('referenceBox=originalImage keeps the subject where it was in the frame', async () => {
    const { body } = await renderEdit(await scene(), params({ referenceBox: 'originalImage', outputSize: '400x400' }));
    expectBox(await redBox(body), { left: 150, top: 160, width: 100, height: 80 });
  });
});

describe('renderEdit: background and export', () => {
  it('is transparent by default (PNG with alpha)', async () => {
    const response = await renderEdit(await scene(), params({ padding: 0.2 }));
    expect(response.contentType).toBe('image/png');
    const metadata = await sharp(response.body).metadata();
    expect(metadata.format).toBe('png');
    expect(metadata.hasAlpha).toBe(true);
    const image = await decode(response.body);
    expect(pixel(image, 0, 0)[3]).toBe(0);
    expect(pixel(image, 399, 299)[3]).toBe(0);
  });

  it('paints background.color, with its alpha when given 8 hex digits', async () => {
    const input = await scene({ colour: { r: 20, g: 20, b: 220 } });
    const red = await decode((await renderEdit(input, params({ padding: 0.2, 'background.color': 'FF0000' }))).body);
    expect(pixel(red, 0, 0)).toEqual([255, 0, 0, 255]);
    const named = await decode((await renderEdit(input, params({ padding: 0.2, 'background.color': 'yellow' }))).body);
    expect(pixel(named, 399, 0)).toEqual([255, 255, 0, 255]);
    const translucent = await decode(
      (await renderEdit(input, params({ padding: 0.2, 'background.color': '00FF0080' }))).body,
    );
    const [, green = 0, , alpha = 0] = pixel(translucent, 0, 0);
    expect(green).toBe(255);
    expect(Math.abs(alpha - 128)).toBeLessThanOrEqual(1);
  });

  it('JPEG has no alpha and is flattened on white; WebP keeps alpha', async () => {
    const input = await scene();
    const jpeg = await renderEdit(input, params({ padding: 0.2, 'export.format': 'jpg' }));
    expect(jpeg.contentType).toBe('image/jpeg');
    const metadata = await sharp(jpeg.body).metadata();
    expect(metadata.format).toBe('jpeg');
    expect(metadata.channels).toBe(3);
    const corner = pixel(await decode(jpeg.body), 0, 0);
    for (const value of corner) expect(value).toBeGreaterThan(245);

    const webp = await renderEdit(input, params({ padding: 0.2, 'export.format': 'webp' }));
    expect(webp.contentType).toBe('image/webp');
    const webpMetadata = await sharp(webp.body).metadata();
    expect(webpMetadata.format).toBe('webp');
    expect(webpMetadata.hasAlpha).toBe(true);
  });

  it('writes export.dpi as the file density', async () => {
    const input = await scene();
    for (const format of ['png', 'jpeg']) {
      const { body } = await renderEdit(input, params({ 'export.format': format, 'export.dpi': 300 }));
      expect((await sharp(body).metadata()).density).toBe(300);
    }
  });

  it('draws a background image filled (cover) or fitted (contain, rest transparent)', async () => {
    const input = await scene();
    const blue = await sharp({ create: { width: 200, height: 100, channels: 3, background: { r: 0, g: 0, b: 255 } } })
      .png()
      .toBuffer();
    const filled = await decode((await renderEdit(input, params({ padding: 0.3 }), { backgroundImage: blue })).body);
    expect(pixel(filled, 5, 5)).toEqual([0, 0, 255, 255]);
    expect(pixel(filled, 5, 150)).toEqual([0, 0, 255, 255]);
    const fitted = await decode(
      (await renderEdit(input, params({ padding: 0.3, 'background.scaling': 'fit' }), { backgroundImage: blue })).body,
    );
    // 200x100 contained in 400x300 is 400x200 with 50 px transparent above and below.
    expect(pixel(fitted, 5, 5)[3]).toBe(0);
    expect(pixel(fitted, 5, 150)).toEqual([0, 0, 255, 255]);
    expect(pixel(fitted, 5, 295)[3]).toBe(0);
  });

  it('refuses an undecodable background image', async () => {
    await expect(renderEdit(await scene(), params(), { backgroundImage: Buffer.from('nope') })).rejects.toThrow(
      /background image could not be decoded/,
    );
  });

  it('keeps the whole image, opaque, when removeBackground=false', async () => {
    const image = await decode((await renderEdit(await scene(), params({ removeBackground: false }))).body);
    expect(pixel(image, 0, 0)).toEqual([255, 255, 255, 255]);
    expect(pixel(image, 200, 150).slice(0, 3)).toEqual([RED.r, RED.g, RED.b]);
  });

  it('lays the whole image out with its padding on every side when removeBackground=false: nothing snaps', async () => {
    const body = (await renderEdit(await scene(), params({ removeBackground: false, padding: 0.1 }))).body;
    const image = await decode(body);
    expect(boxWhere(image, ([, , , alpha = 255]) => alpha > 0)).toEqual({ left: 40, top: 30, width: 320, height: 240 });
  });

  it('blurs the kept background around a sharp subject', async () => {
    // A faint grey stripe in the backdrop: keyed as background, so the blur softens it.
    const stripe = await sharp({
      create: { width: 4, height: 300, channels: 3, background: { r: 238, g: 238, b: 238 } },
    })
      .png()
      .toBuffer();
    const input = await sharp(await scene())
      .composite([{ input: stripe, left: 40, top: 0 }])
      .png()
      .toBuffer();
    const plain = await decode((await renderEdit(input, params({ removeBackground: false }))).body);
    const blur = { removeBackground: false, 'background.blur.mode': 'gaussian', 'background.blur.radius': 0.03 };
    const blurred = await decode((await renderEdit(input, params(blur))).body);
    expect(pixel(plain, 41, 150)[0]).toBeLessThan(242);
    expect(pixel(blurred, 41, 150)[0]).toBeGreaterThan(246);
    expect(pixel(blurred, 200, 150).slice(0, 3)).toEqual([RED.r, RED.g, RED.b]);
  });
});

describe('renderEdit: AI stand-ins', () => {
  // Padding 0.2: the subject is 225x180 at (88, 60), ending at y = 240 over a white background.
  const base = { padding: 0.2, 'background.color': 'FFFFFF' };

  it('shadows darken the background just below the subject', async () => {
    const input = await scene({ colour: { r: 20, g: 20, b: 220 } });
    const plain = await decode((await renderEdit(input, params(base))).body);
    expect(pixel(plain, 200, 243)[0]).toBe(255);
    const soft = await decode((await renderEdit(input, params({ ...base, 'shadow.mode': 'ai.soft' }))).body);
    expect(pixel(soft, 200, 243)[0]).toBeLessThan(240);
    const hard = await decode((await renderEdit(input, params({ ...base, 'shadow.mode': 'ai.hard' }))).body);
    expect(pixel(hard, 200, 241)[0]).toBeLessThan(230);
    const floating = await decode((await renderEdit(input, params({ ...base, 'shadow.mode': 'ai.floating' }))).body);
    expect(pixel(floating, 200, 258)[0]).toBeLessThan(240);
    // Far from the subject nothing changes.
    expect(pixel(soft, 2, 2)[0]).toBe(255);
  });

  it('a generated background reports its seed: stable per seed, different for another', async () => {
    const input = await scene();
    const prompt = { 'background.prompt': 'on a marble table' };
    const first = await renderEdit(input, params({ ...prompt, 'background.seed': 42 }));
    const again = await renderEdit(input, params({ ...prompt, 'background.seed': 42 }));
    const other = await renderEdit(input, params({ ...prompt, 'background.seed': 43 }));
    expect(first.headers['pr-ai-background-seed']).toBe('42');
    expect(other.headers['pr-ai-background-seed']).toBe('43');
    expect(again.body.equals(first.body)).toBe(true);
    expect(other.body.equals(first.body)).toBe(false);
    expect(pixel(await decode(first.body), 0, 0)[3]).toBe(255);

    const huge = await renderEdit(input, params({ ...prompt, 'background.seed': '9007199254740993' }));
    expect(huge.headers['pr-ai-background-seed']).toBe('9007199254740993');

    const unseeded = await renderEdit(input, params(prompt));
    const seed = unseeded.headers['pr-ai-background-seed'];
    expect(seed).toMatch(/^\d+$/);
    expect((await renderEdit(input, params(prompt))).headers['pr-ai-background-seed']).toBe(seed);
    const otherPrompt = await renderEdit(input, params({ 'background.prompt': 'in a forest' }));
    expect(otherPrompt.headers['pr-ai-background-seed']).not.toBe(seed);
  });

  it('upscales x2 (ai.fast) and x4 (ai.slow), and refuses inputs over the pixel limit', async () => {
    const small = await scene({ width: 200, height: 150, rect: { left: 75, top: 55, width: 50, height: 40 } });
    expect(await size((await renderEdit(small, params({ 'upscale.mode': 'ai.fast' }))).body)).toEqual([400, 300]);
    expect(await size((await renderEdit(small, params({ 'upscale.mode': 'ai.slow' }))).body)).toEqual([800, 600]);

    // 1000x250 is 250,000 pixels: within ai.slow's 262,144, however wide.
    const strip = await scene({ width: 1000, height: 250, rect: { left: 450, top: 100, width: 100, height: 50 } });
    expect(await size((await renderEdit(strip, params({ 'upscale.mode': 'ai.slow' }))).body)).toEqual([4000, 1000]);
    const medium = await scene({ width: 600, height: 600 });
    await expect(renderEdit(medium, params({ 'upscale.mode': 'ai.slow' }))).rejects.toThrow(RenderRefusal);
    await expect(
      renderEdit(medium, params({ 'upscale.mode': 'ai.slow', 'upscale.downscaleIfNeeded': 'never' })),
    ).rejects.toThrow('upscale.mode=ai.slow accepts images of at most 262,144 pixels; this one is 600x600 (360,000)');
  });

  it('downscales an oversized input to the pixel limit with upscale.downscaleIfNeeded always, then upscales it', async () => {
    const medium = await scene({ width: 600, height: 600 });
    const rendered = await renderEdit(
      medium,
      params({ 'upscale.mode': 'ai.slow', 'upscale.downscaleIfNeeded': 'always' }),
    );
    // 512x512 is the largest square within 262,144 pixels; ai.slow enlarges it x4.
    expect(await size(rendered.body)).toEqual([2048, 2048]);
  });

  it('with skipUpscaleIfNotNeeded, downscales when 4x the result still reaches the input size, else skips the upscale', async () => {
    const skip = { 'upscale.mode': 'ai.slow', 'upscale.downscaleIfNeeded': 'skipUpscaleIfNotNeeded' } as const;
    const medium = await scene({ width: 600, height: 600 });
    expect(await size((await renderEdit(medium, params(skip))).body)).toEqual([2048, 2048]);
    // 4200x1000 is over 16 times 262,144 pixels: downscaled to fit (1049x249), 4x would be
    // 4196x996, smaller than the input, so it is left at its size, not upscaled.
    const large = await scene({ width: 4200, height: 1000 });
    expect(await size((await renderEdit(large, params(skip))).body)).toEqual([4200, 1000]);
  });

  it('text removal reports a small, stable count of texts', async () => {
    const input = await scene();
    const first = await renderEdit(input, params({ 'textRemoval.mode': 'ai.all' }));
    const count = Number(first.headers['pr-texts-detected']);
    expect(Number.isInteger(count) && count >= 0 && count < 4).toBe(true);
    const again = await renderEdit(input, params({ 'textRemoval.mode': 'ai.all' }));
    expect(again.headers['pr-texts-detected']).toBe(first.headers['pr-texts-detected']);
  });

  it('expand fills the transparent margins from the image edges', async () => {
    const input = await scene();
    const plain = await decode(
      (await renderEdit(input, params({ removeBackground: false, outputSize: '600x300' }))).body,
    );
    expect(pixel(plain, 5, 150)[3]).toBe(0);
    const expanded = await decode(
      (await renderEdit(input, params({ removeBackground: false, outputSize: '600x300', 'expand.mode': 'ai.auto' })))
        .body,
    );
    const [r = 0, g = 0, b = 0, alpha = 0] = pixel(expanded, 5, 150);
    expect(alpha).toBe(255);
    expect(Math.min(r, g, b)).toBeGreaterThan(245);
  });

  it('uncrop extends a subject cut by the frame, so it no longer snaps', async () => {
    const input = await scene({ rect: { left: 150, top: 220, width: 100, height: 80 } });
    const snapped = await decode((await renderEdit(input, params({ padding: 0.1 }))).body);
    const bottomOf = (image: Raster) => {
      const box = boxWhere(image, ([, , , alpha = 0]) => alpha >= 128);
      return (box?.top ?? 0) + (box?.height ?? 0);
    };
    expect(bottomOf(snapped)).toBe(300);
    const uncropped = await decode((await renderEdit(input, params({ 'uncrop.mode': 'ai.auto', padding: 0.1 }))).body);
    // The frame grew below the subject; the subject now keeps its bottom padding.
    expect(uncropped.height).toBeGreaterThan(300);
    expect(bottomOf(uncropped)).toBeLessThanOrEqual(Math.round(uncropped.height * 0.9) + 1);
    expect(bottomOf(uncropped)).toBeGreaterThan(uncropped.height * 0.8);
  });

  it('lighting, beautify and text removal keep the cutout and change the colours a little', async () => {
    const input = await scene({ colour: { r: 120, g: 90, b: 60 } });
    const plain = await decode((await renderEdit(input, params({ padding: 0.1 }))).body);
    const lit = await decode(
      (await renderEdit(input, params({ padding: 0.1, 'lighting.mode': 'ai.auto', 'beautify.mode': 'ai.food' }))).body,
    );
    expect(pixel(lit, 0, 0)[3]).toBe(0);
    expect(pixel(lit, 200, 150)[3]).toBe(255);
    expect(pixel(lit, 200, 150)).not.toEqual(pixel(plain, 200, 150));
  });

  it('is deterministic and reports a 0–1 uncertainty score', async () => {
    const input = await scene({ format: 'jpeg' });
    const all = { padding: 0.1, 'shadow.mode': 'ai.soft', 'background.prompt': 'studio', 'expand.mode': 'ai.auto' };
    const first = await renderEdit(input, params(all));
    const second = await renderEdit(input, params(all));
    expect(second.body.equals(first.body)).toBe(true);
    expect(first.headers['x-uncertainty-score']).toMatch(/^[01]\.\d\d$/);
    const score = Number(first.headers['x-uncertainty-score']);
    expect(score).toBeGreaterThanOrEqual(0);
    expect(score).toBeLessThanOrEqual(1);
  });
});

describe('renderSegment', () => {
  it('returns the RGBA cutout by default, as PNG', async () => {
    const response = await renderSegment(await scene(), params());
    expect(response.contentType).toBe('image/png');
    const image = await decode(response.body);
    expect([image.width, image.height, image.channels]).toEqual([400, 300, 4]);
    expect(pixel(image, 0, 0)[3]).toBe(0);
    expectBox(
      boxWhere(image, ([, , , alpha = 0]) => alpha >= 128),
      SUBJECT,
    );
  });

  it('channels=alpha gives a one-channel mask', async () => {
    const { body } = await renderSegment(await scene(), params({ channels: 'alpha' }));
    const metadata = await sharp(body).metadata();
    expect(metadata.channels).toBe(1);
    const mask = await decode(body);
    expect(pixel(mask, 0, 0)[0]).toBe(0);
    expect(pixel(mask, 200, 150)[0]).toBe(255);
  });

  it('crop=true crops to the subject', async () => {
    const { body } = await renderSegment(await scene(), params({ crop: true }));
    expect(await size(body)).toEqual([100, 80]);
  });

  it('size=preview keeps at most 0.25 megapixels, never enlarging', async () => {
    const big = await scene({ width: 1000, height: 800, rect: { left: 300, top: 300, width: 200, height: 150 } });
    const [width, height] = await size((await renderSegment(big, params({ size: 'preview' }))).body);
    expect(width * height).toBeLessThanOrEqual(250_000);
    expect(width * height).toBeGreaterThan(240_000);
    expect(Math.abs(width / height - 1.25)).toBeLessThan(0.01);
    expect(await size((await renderSegment(await scene(), params({ size: 'medium' }))).body)).toEqual([400, 300]);
  });

  it('bg_color flattens onto that colour, without alpha', async () => {
    const { body } = await renderSegment(await scene(), params({ bg_color: 'lime' }));
    const image = await decode(body);
    expect(image.channels).toBe(3);
    expect(pixel(image, 0, 0)).toEqual([0, 255, 0]);
    expect(pixel(image, 399, 299)).toEqual([0, 255, 0]);
  });

  it('writes jpg and webp', async () => {
    const jpg = await renderSegment(await scene(), params({ format: 'jpg' }));
    expect(jpg.contentType).toBe('image/jpeg');
    expect((await sharp(jpg.body).metadata()).format).toBe('jpeg');
    const webp = await renderSegment(await scene(), params({ format: 'webp' }));
    expect(webp.contentType).toBe('image/webp');
    expect((await sharp(webp.body).metadata()).format).toBe('webp');
  });

  it('despill pulls green spill off the subject edges', async () => {
    // A grey subject on a green screen, with a 3 px green-tinted rim.
    const rim = await scene({ backdrop: { r: 0, g: 200, b: 0 }, colour: { r: 128, g: 175, b: 128 } });
    const input = await sharp(rim)
      .composite([
        {
          input: await sharp({ create: { width: 94, height: 74, channels: 3, background: { r: 128, g: 128, b: 128 } } })
            .png()
            .toBuffer(),
          left: 153,
          top: 113,
        },
      ])
      .png()
      .toBuffer();
    const plain = await decode((await renderSegment(input, params())).body);
    const cleaned = await decode((await renderSegment(input, params({ despill: true }))).body);
    expect(pixel(plain, 151, 150)[1]).toBeGreaterThan(165);
    expect(pixel(cleaned, 151, 150)[1]).toBeLessThan(140);
    // The core of the subject is untouched.
    expect(pixel(cleaned, 200, 150).slice(0, 3)).toEqual([128, 128, 128]);
  });

  it('refuses undecodable input', async () => {
    await expect(renderSegment(Buffer.from('GIF89a'), params())).rejects.toThrow(RenderRefusal);
  });
});

describe('fixtures', () => {
  it.each(['mug.jpg', 'bottle.png', 'sneaker.jpg', 'gift-box.webp'])(
    '%s has a subject well inside the frame',
    async (name) => {
      const input = await readFile(new URL(`../../fixtures/products/${name}`, import.meta.url));
      const metadata = await sharp(input).metadata();
      const { body, headers } = await renderSegment(input, params({ crop: true }));
      const [width, height] = await size(body);
      const frame = (metadata.width ?? 0) * (metadata.height ?? 0);
      expect(width * height).toBeLessThan(frame * 0.6);
      expect(width * height).toBeGreaterThan(frame * 0.1);
      expect(Number(headers['x-uncertainty-score'])).toBeLessThan(0.5);
      expect(headers['x-emulator-cutout']).toMatch(/^border-key /);
    },
  );
});
