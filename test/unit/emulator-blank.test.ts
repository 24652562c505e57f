import { describe, expect, it } from 'vitest';
import { CONTENT_DISTANCE, contentShare, isBlank, MIN_CONTENT_SHARE } from '../../src/emulator/blank.js';
import type { Raster } from '../../src/emulator/raster.js';
import { seededRandom } from '../../src/emulator/seed.js';

type Pixel = [number, number, number, number];

const WHITE: Pixel = [255, 255, 255, 255];
const RED: Pixel = [220, 20, 20, 255];
const CLEAR: Pixel = [0, 0, 0, 0];

/** A 100x100 RGBA image of `backdrop`, with the first `count` pixels (in reading order) painted `spot`. */
function image(backdrop: Pixel, spot: Pixel = backdrop, count = 0): Raster {
  const data = Buffer.alloc(100 * 100 * 4);
  for (let i = 0; i < 100 * 100; i++) data.set(i < count ? spot : backdrop, i * 4);
  return { data, width: 100, height: 100, channels: 4 };
}

describe('blank images', () => {
  it('a fully transparent image is blank, whatever colour its transparent pixels hold', () => {
    const noisy = image(CLEAR);
    const random = seededRandom(3);
    for (let i = 0; i < noisy.data.length; i += 4) noisy.data.set([255 * random(), 255 * random(), 255 * random()], i);
    expect(contentShare(noisy)).toBe(0);
    expect(isBlank(noisy)).toBe(true);
  });

  it('one colour all over is blank', () => {
    expect(isBlank(image(WHITE))).toBe(true);
    expect(isBlank(image(RED))).toBe(true);
  });

  it('noise within the content distance (JPEG noise on white) is still blank', () => {
    const noisy = image(WHITE);
    const random = seededRandom(5);
    for (let i = 0; i < noisy.data.length; i += 4) {
      const shade = 255 - Math.floor(random() * (CONTENT_DISTANCE - 2));
      noisy.data.set([shade, shade, shade], i);
    }
    expect(isBlank(noisy)).toBe(true);
  });

  it('counts the pixels unlike the dominant colour: blank under 1% of them', () => {
    expect(MIN_CONTENT_SHARE).toBe(0.01);
    expect(contentShare(image(WHITE, RED, 99))).toBeCloseTo(0.0099, 6);
    expect(isBlank(image(WHITE, RED, 99))).toBe(true);
    expect(isBlank(image(WHITE, RED, 100))).toBe(false);
    // On transparency the subject is the content, even in one flat colour.
    expect(contentShare(image(CLEAR, RED, 500))).toBeCloseTo(0.05, 6);
    expect(isBlank(image(CLEAR, RED, 500))).toBe(false);
  });

  it('a barely visible subject is no content', () => {
    const faint: Pixel = [220, 20, 20, CONTENT_DISTANCE];
    expect(isBlank(image(CLEAR, faint, 3000))).toBe(true);
    expect(isBlank(image(CLEAR, [220, 20, 20, CONTENT_DISTANCE + 1], 3000))).toBe(false);
  });

  it('reads one-channel (grey) and RGB rasters as opaque', () => {
    const ramp = Buffer.from(Array.from({ length: 100 * 100 }, (_, i) => (i % 100) * 2));
    expect(isBlank({ data: ramp, width: 100, height: 100, channels: 1 })).toBe(false);
    expect(isBlank({ data: Buffer.alloc(100 * 100, 128), width: 100, height: 100, channels: 1 })).toBe(true);
    const rgb = Buffer.alloc(100 * 100 * 3, 250);
    expect(isBlank({ data: rgb, width: 100, height: 100, channels: 3 })).toBe(true);
    rgb.fill(0, 0, 300 * 3);
    expect(contentShare({ data: rgb, width: 100, height: 100, channels: 3 })).toBeCloseTo(0.03, 6);
  });

  it('an empty image is blank', () => {
    expect(isBlank({ data: Buffer.alloc(0), width: 0, height: 0, channels: 4 })).toBe(true);
  });
});
