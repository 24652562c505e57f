/**
 * The cutout. This is NOT Photoroom's segmentation model: the emulator keys the
 * subject off a near-uniform background (a product shot on a plain backdrop), or uses the
 * image's own transparency when it has some. Deterministic, cheap, and good enough to give
 * tests and demos a real, checkable mask.
 */
import { keyBackground } from './key.js';
import type { Box } from './layout.js';
import { alphaOf, fromRaster, maskRaster, type Raster, toMask } from './raster.js';

export interface Cutout {
  /** One byte per pixel, 255 = subject. */
  mask: Buffer;
  /** Bounding box of the subject (mask at least half opaque); null when nothing was found. */
  subject: Box | null;
  /** 0 (clean cut) to 1 (no idea), for `x-uncertainty-score`. */
  uncertainty: number;
}

/** Cuts the subject out of an RGBA image. */
export async function cutOut(image: Raster): Promise<Cutout> {
  const alpha = alphaOf(image);
  if (alpha.some((value) => value < 255)) return describe(alpha, image, 0);
  const key = keyBackground(image);
  // A light feather, so keyed edges are antialiased like a model's output.
  const feathered = await toMask(fromRaster(maskRaster(key.mask, image)).blur(0.6));
  return describe(feathered, image, key.noise, key.ambiguous);
}

function describe(mask: Buffer, size: { width: number; height: number }, noise: number, ambiguous?: number): Cutout {
  const subject = subjectBox(mask, size.width, size.height);
  let soft = ambiguous ?? 0;
  let solid = 0;
  for (const value of mask) {
    if (value >= 128) solid++;
    if (ambiguous === undefined && value > 0 && value < 255) soft++;
  }
  const uncertainty = subject ? Math.min(1, 0.02 + (2 * soft) / Math.max(1, solid) + noise / 128) : 1;
  return { mask, subject, uncertainty };
}

/** Bounding box of the pixels whose mask is at least half opaque. */
export function subjectBox(mask: Buffer, width: number, height: number): Box | null {
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if ((mask[row + x] ?? 0) < 128) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      bottom = y;
    }
  }
  if (right < 0) return null;
  return { left, top, width: right - left + 1, height: bottom - top + 1 };
}
