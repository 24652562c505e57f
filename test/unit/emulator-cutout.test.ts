import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isBlank } from '../../src/emulator/blank.js';
import { MAX_KEPT_SHARE } from '../../src/emulator/cutout.js';
import { renderEdit, renderSegment } from '../../src/emulator/render.js';
import { seededRandom } from '../../src/emulator/seed.js';
import { decode, params, pixel, size } from '../support/rendered.js';

type Pixel = [number, number, number, number];

const WHITE: Pixel = [255, 255, 255, 255];
const RED: Pixel = [220, 20, 20, 255];

/** A PNG drawn pixel by pixel. */
function png(width: number, height: number, paint: (x: number, y: number) => Pixel): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(paint(x, y), (y * width + x) * 4);
  return sharp(data, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
}

/** Seeded noise with channels below `max`: nothing like a plain backdrop. */
function noise(seed: number, max = 150): () => Pixel {
  const random = seededRandom(seed);
  return () => [Math.floor(random() * max), Math.floor(random() * max), Math.floor(random() * max), 255];
}

const inside = (x: number, y: number, left: number, top: number, width: number, height: number) =>
  x >= left && x < left + width && y >= top && y < top + height;

/** `x-emulator-cutout`'s method, the word before its explanation. */
const methodOf = (headers: Record<string, string>) => headers['x-emulator-cutout']?.split(' ')[0];

describe('the stand-in cutout', () => {
  it('keys a subject off a plain backdrop, and every answer says the cutout is a stand-in', async () => {
    const input = await png(200, 150, (x, y) => (inside(x, y, 60, 50, 60, 40) ? RED : WHITE));
    for (const { headers } of [await renderEdit(input, params()), await renderSegment(input, params())]) {
      expect(headers['x-emulator-cutout']).toBe("border-key (emulator stand-in, not Photoroom's model)");
      expect(Number(headers['x-uncertainty-score'])).toBeLessThan(0.1);
    }
    expect(await size((await renderEdit(input, params({ outputSize: 'croppedSubject' }))).body)).toEqual([60, 40]);
  });

  it('keeps the whole frame, fully uncertain, when the key keeps nothing', async () => {
    const busy = noise(1);
    const input = await png(120, 90, () => busy());
    const edit = await renderEdit(input, params({ outputSize: 'croppedSubject' }));
    expect(methodOf(edit.headers)).toBe('whole-frame');
    expect(edit.headers['x-uncertainty-score']).toBe('1.00');
    expect(await size(edit.body)).toEqual([120, 90]);
    const segment = await renderSegment(input, params());
    expect(methodOf(segment.headers)).toBe('whole-frame');
    expect(isBlank(await decode(segment.body))).toBe(false);
  });

  it('keeps the whole frame when the key keeps almost everything, not when it removes a real backdrop', async () => {
    // A busy picture in a white frame: a 1 px frame leaves 96% of the pixels, a 4 px one 85%.
    const busy = noise(2);
    const framed = (frame: number) =>
      png(100, 100, (x, y) => (inside(x, y, frame, frame, 100 - 2 * frame, 100 - 2 * frame) ? busy() : WHITE));
    expect(0.98 * 0.98).toBeGreaterThan(MAX_KEPT_SHARE);
    const thin = await renderSegment(await framed(1), params());
    expect(methodOf(thin.headers)).toBe('whole-frame');
    expect(thin.headers['x-uncertainty-score']).toBe('1.00');
    expect(pixel(await decode(thin.body), 0, 0)).toEqual(WHITE);
    const thick = await renderSegment(await framed(4), params());
    expect(methodOf(thick.headers)).toBe('border-key');
    expect(pixel(await decode(thick.body), 0, 0)[3]).toBe(0);
  });

  it('a blank image comes back whole: there is nothing else to show', async () => {
    const input = await png(100, 100, () => WHITE);
    const { headers, body } = await renderEdit(input, params());
    expect(methodOf(headers)).toBe('whole-frame');
    expect(headers['x-uncertainty-score']).toBe('1.00');
    expect(pixel(await decode(body), 50, 50)).toEqual(WHITE);
  });

  it('the whole frame is the image as it is: its transparent parts stay transparent', async () => {
    // Noise up to white, so that the transparent square, white to the key, is no subject to it.
    const busy = noise(3, 256);
    const input = await png(120, 90, (x, y) => (inside(x, y, 40, 30, 20, 20) ? [0, 0, 0, 0] : busy()));
    const { headers, body } = await renderSegment(input, params());
    expect(methodOf(headers)).toBe('whole-frame');
    const output = await decode(body);
    expect(pixel(output, 50, 40)[3]).toBe(0);
    expect(pixel(output, 10, 10)[3]).toBe(255);
  });
});

describe('keepExistingAlphaChannel', () => {
  // A red block on white, opaque, except a transparent band along the bottom: the alpha
  // channel and the colour key disagree on what the subject is.
  const input = () => png(200, 150, (x, y) => (y >= 130 ? [0, 0, 0, 0] : inside(x, y, 60, 50, 60, 40) ? RED : WHITE));
  const cropped = { outputSize: 'croppedSubject' };

  it('never (the default) ignores the alpha channel: the key sees the image on white', async () => {
    for (const values of [cropped, { ...cropped, keepExistingAlphaChannel: 'never' }]) {
      const { headers, body } = await renderEdit(await input(), params(values));
      expect(methodOf(headers)).toBe('border-key');
      expect(await size(body)).toEqual([60, 40]);
    }
  });

  it('auto uses the alpha channel as the cutout', async () => {
    const { headers, body } = await renderEdit(await input(), params({ ...cropped, keepExistingAlphaChannel: 'auto' }));
    expect(methodOf(headers)).toBe('image-alpha');
    expect(await size(body)).toEqual([200, 130]);
  });

  it('auto on an image without transparency runs the cutout', async () => {
    const opaque = await png(200, 150, (x, y) => (inside(x, y, 60, 50, 60, 40) ? RED : WHITE));
    const { headers, body } = await renderEdit(opaque, params({ ...cropped, keepExistingAlphaChannel: 'auto' }));
    expect(methodOf(headers)).toBe('border-key');
    expect(await size(body)).toEqual([60, 40]);
  });

  it('/v1/segment, which has no such parameter, always runs the cutout', async () => {
    const { headers, body } = await renderSegment(await input(), params({ crop: true }));
    expect(methodOf(headers)).toBe('border-key');
    expect(await size(body)).toEqual([60, 40]);
  });
});
