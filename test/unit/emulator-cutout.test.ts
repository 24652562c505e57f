import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isBlank } from '../../src/emulator/blank.js';
import { MAX_KEPT_SHARE } from '../../src/emulator/cutout.js';
import type { Box } from '../../src/emulator/layout.js';
import { renderEdit, renderSegment } from '../../src/emulator/render.js';
import { seededRandom } from '../../src/emulator/seed.js';
import { STAND_IN_NOTICE } from '../../src/emulator/stand-in.js';
import { measure } from '../support/compliance.js';
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

/** Each of the box's figures within `slack` pixels: a JPEG rings a little past a sharp edge. */
function expectNear(actual: Box | null, expected: Box, slack = 4): void {
  expect(actual).not.toBeNull();
  for (const key of ['left', 'top', 'width', 'height'] as const) {
    expect(Math.abs((actual?.[key] ?? 0) - expected[key]), key).toBeLessThanOrEqual(slack);
  }
}

describe('where the stand-in finds no subject, /v2/edit lays the whole frame out as the subject', () => {
  const busy = () => {
    const paint = noise(4);
    return png(120, 90, () => paint());
  };

  it("with the padding asked for on every side: the frame's edges are no cropped sides to snap", async () => {
    const { headers, body } = await renderEdit(await busy(), params({ padding: 0.1 }));
    expect(methodOf(headers)).toBe('whole-frame');
    const output = await measure(body, { background: 'transparent' });
    expect([output.width, output.height]).toEqual([120, 90]);
    expect(output.impureRing).toBe(0);
    expect(output.subject).toEqual({ left: 12, top: 9, width: 96, height: 72 });
  });

  it('at the size, background and format a marketplace asks for', async () => {
    const amazon = { 'background.color': 'FFFFFF', padding: 0.05, outputSize: '400x400', 'export.format': 'jpeg' };
    const output = await measure((await renderEdit(await busy(), params(amazon))).body, {
      background: [255, 255, 255],
    });
    expect([output.width, output.height, output.format]).toEqual([400, 400, 'jpeg']);
    expect(output.impureRing).toBe(0);
    // 120x90 fitted into the 360x360 left inside the padding: 360x270, centred.
    expectNear(output.subject, { left: 20, top: 65, width: 360, height: 270 });
  });

  it('and says so, in each answer and in the start-up notice', async () => {
    const { headers } = await renderEdit(await busy(), params());
    expect(headers['x-emulator-cutout']).toBe(
      "whole-frame (no subject found, so the whole frame is the subject; emulator stand-in, not Photoroom's model)",
    );
    expect(STAND_IN_NOTICE).toMatch(
      /the whole frame when that finds no clear subject, which \/v2\/edit then lays out as the subject with the requested padding, size and background/,
    );
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
