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

/** Share of the pixels (0 to 1) that differ from the image's dominant colour. */
export function contentShare(image: Raster): number {
  const pixels = image.width * image.height;
  if (pixels === 0) return 0;
  const colours = premultiplied(image);
  const dominant = dominantColour(colours);
  let content = 0;
  for (let i = 0; i < colours.length; i += 4) {
    for (let c = 0; c < 4; c++) {
      if (Math.abs((colours[i + c] ?? 0) - (dominant[c] ?? 0)) > CONTENT_DISTANCE) {
        content++;
        break;
      }
    }
  }
  return content / pixels;
}

export function isBlank(image: Raster): boolean {
  return contentShare(image) < MIN_CONTENT_SHARE;
}

/** RGBA with colour scaled by alpha, so that every fully transparent pixel is the same (0,0,0,0). */
function premultiplied(image: Raster): Uint8Array {
  const { data, channels } = image;
  const pixels = image.width * image.height;
  const out = new Uint8Array(pixels * 4);
  for (let i = 0; i < pixels; i++) {
    const at = i * channels;
    const grey = channels === 1;
    const alpha = channels === 4 ? (data[at + 3] ?? 0) : 255;
    for (let c = 0; c < 3; c++) out[i * 4 + c] = Math.round(((data[grey ? at : at + c] ?? 0) * alpha) / 255);
    out[i * 4 + 3] = alpha;
  }
  return out;
}

/** The mean colour of the most populated cell of a 16-level-per-channel RGBA histogram. */
function dominantColour(colours: Uint8Array): number[] {
  const cellOf = (i: number) =>
    ((colours[i]! >> 4) << 12) | ((colours[i + 1]! >> 4) << 8) | ((colours[i + 2]! >> 4) << 4) | (colours[i + 3]! >> 4);
  const counts = new Uint32Array(1 << 16);
  for (let i = 0; i < colours.length; i += 4) counts[cellOf(i)]!++;
  let top = 0;
  for (let cell = 1; cell < counts.length; cell++) if (counts[cell]! > counts[top]!) top = cell;
  const sum = [0, 0, 0, 0];
  for (let i = 0; i < colours.length; i += 4) {
    if (cellOf(i) !== top) continue;
    for (let c = 0; c < 4; c++) sum[c]! += colours[i + c]!;
  }
  return sum.map((total) => total / counts[top]!);
}
