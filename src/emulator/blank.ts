/**
 * What "a blank image" means for the emulator: one that shows (almost) nothing but a single
 * colour or full transparency. The stand-in cutout falls back to the whole frame rather than
 * answer one, and the tests hold every rendered photo to the same definition.
 */
import type { Raster } from './raster.js';

/** Blank: fewer than this share of the pixels carry content. */
export const MIN_CONTENT_SHARE = 0.01;

/**
 * A pixel carries content when one of its premultiplied RGBA channels differs from the
 * image's dominant colour by more than this (out of 255): enough to ignore JPEG noise.
 */
export const CONTENT_DISTANCE = 32;

/**
 * Share of the pixels (0 to 1) that differ from the image's dominant colour. Two passes over the
 * pixels, premultiplying on the fly (nothing image-sized is allocated): one finds the dominant
 * colour, one counts the pixels far from it.
 */
export function contentShare(image: Raster): number {
  const pixels = image.width * image.height;
  if (pixels === 0) return 0;
  const dominant = dominantColour(image);
  // Whether a premultiplied level is far from the dominant colour, per channel: one table read
  // instead of a subtraction and comparison per channel per pixel.
  const far = dominant.map((level) =>
    Uint8Array.from({ length: 256 }, (_, value) => (Math.abs(value - level) > CONTENT_DISTANCE ? 1 : 0)),
  );
  const [farRed, farGreen, farBlue, farAlpha] = far as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  const { data, channels } = image;
  const [green, blue] = channels === 1 ? [0, 0] : [1, 2];
  let content = 0;
  for (let i = 0, at = 0; i < pixels; i++, at += channels) {
    const alpha = channels === 4 ? data[at + 3]! : 255;
    const row = alpha << 8;
    if (
      farRed[PREMULTIPLIED[row | data[at]!]!] ||
      farGreen[PREMULTIPLIED[row | data[at + green]!]!] ||
      farBlue[PREMULTIPLIED[row | data[at + blue]!]!] ||
      farAlpha[alpha]
    )
      content++;
  }
  return content / pixels;
}

export function isBlank(image: Raster): boolean {
  return contentShare(image) < MIN_CONTENT_SHARE;
}

/**
 * `Math.round(level * alpha / 255)` at `alpha << 8 | level`: premultiplying colour by alpha (so
 * that every fully transparent pixel is the same, 0,0,0,0) is one table read, not a multiply,
 * divide and round per channel per pixel.
 */
const PREMULTIPLIED = Uint8Array.from({ length: 1 << 16 }, (_, at) => Math.round(((at & 0xff) * (at >> 8)) / 255));

/**
 * The mean premultiplied RGBA colour of the most populated cell of a 16-level-per-channel
 * histogram. Each cell keeps its channel sums as it counts, so one pass finds both.
 */
function dominantColour(image: Raster): number[] {
  const { data, channels } = image;
  const pixels = image.width * image.height;
  const [green, blue] = channels === 1 ? [0, 0] : [1, 2];
  const counts = new Uint32Array(1 << 16);
  // Whole numbers below 2^53: exact in any order.
  const sums = new Float64Array(4 << 16);
  for (let i = 0, at = 0; i < pixels; i++, at += channels) {
    const alpha = channels === 4 ? data[at + 3]! : 255;
    const row = alpha << 8;
    const r = PREMULTIPLIED[row | data[at]!]!;
    const g = PREMULTIPLIED[row | data[at + green]!]!;
    const b = PREMULTIPLIED[row | data[at + blue]!]!;
    const cell = ((r >> 4) << 12) | ((g >> 4) << 8) | ((b >> 4) << 4) | (alpha >> 4);
    counts[cell]!++;
    sums[cell * 4]! += r;
    sums[cell * 4 + 1]! += g;
    sums[cell * 4 + 2]! += b;
    sums[cell * 4 + 3]! += alpha;
  }
  let top = 0;
  for (let cell = 1; cell < counts.length; cell++) if (counts[cell]! > counts[top]!) top = cell;
  return [0, 1, 2, 3].map((c) => sums[top * 4 + c]! / counts[top]!);
}
