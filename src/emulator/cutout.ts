/**
 * The emulator's cutout. This is NOT Photoroom's segmentation model but a cheap, deterministic
 * stand-in, and every answer says so (stand-in.ts). Its methods, in order:
 * - `image-alpha`: the image's own transparency, when asked to keep it
 *   (keepExistingAlphaChannel=auto) and it has some;
 * - `border-key`: a colour key of the subject off the image border (key.ts), run on the image
 *   as it looks on white, its alpha channel ignored (the API's default, `never`);
 * - `whole-frame`: the image as it is, fully uncertain, when the key keeps almost nothing (a
 *   blank cutout, as blank.ts defines it) or almost everything: the usual case on a busy
 *   photograph, where an empty answer reported as a success would mislead. /v2/edit lays the
 *   whole frame out as an uncropped subject (render.ts, placingOf).
 */
import { isBlank } from './blank.js';
import { keyBackground } from './key.js';
import type { Box } from './layout.js';
import { alphaOf, fromRaster, maskRaster, onWhite, type Raster, toMask, withAlpha } from './raster.js';

export type CutoutMethod = 'image-alpha' | 'border-key' | 'whole-frame';

export interface Cutout {
  /** One byte per pixel, 255 = subject. */
  mask: Buffer;
  /** Bounding box of the subject (mask at least half opaque); null when nothing was found. */
  subject: Box | null;
  /** 0 (clean cut) to 1 (no idea), for `x-uncertainty-score`. */
  uncertainty: number;
  method: CutoutMethod;
}

export interface CutoutOptions {
  /** keepExistingAlphaChannel=auto: an image with transparency is its own cutout. */
  keepExistingAlpha: boolean;
}

/**
 * A key keeping more than this share of the frame removed little more than the border ring it
 * took the backdrop colour from (about 4% of a square frame): it found no backdrop.
 */
export const MAX_KEPT_SHARE = 0.95;

/** Cuts the subject out of an RGBA image. */
export async function cutOut(image: Raster, options: CutoutOptions): Promise<Cutout> {
  const alpha = alphaOf(image);
  const hasTransparency = anyBelow(alpha, 255);
  if (options.keepExistingAlpha && hasTransparency) return describe(alpha, image, 'image-alpha', 0);

  const seen = hasTransparency ? onWhite(image) : image;
  const key = keyBackground(seen);
  // A light feather, so keyed edges are antialiased like a model's output.
  const feathered = await toMask(fromRaster(maskRaster(key.mask, image)).blur(0.6));
  if (keptShare(feathered) > MAX_KEPT_SHARE || isBlank(withAlpha(seen, feathered))) {
    return {
      mask: alpha,
      subject: subjectBox(alpha, image.width, image.height),
      uncertainty: 1,
      method: 'whole-frame',
    };
  }
  return describe(feathered, image, 'border-key', key.noise, key.ambiguous);
}

/** Whether some pixel of the mask is below `value` (a loop: `Buffer.some` calls a function per pixel). */
function anyBelow(mask: Buffer, value: number): boolean {
  for (let i = 0; i < mask.length; i++) if (mask[i]! < value) return true;
  return false;
}

/** Share of the pixels the mask keeps (at least half opaque). */
function keptShare(mask: Buffer): number {
  return countIn(histogramOf(mask), 128, 255) / Math.max(1, mask.length);
}

/** How many pixels of a mask have each value: one increment per pixel, the counting done on 256 bins. */
function histogramOf(mask: Buffer): Uint32Array {
  const histogram = new Uint32Array(256);
  for (let i = 0; i < mask.length; i++) histogram[mask[i]!]!++;
  return histogram;
}

/** The pixels with a value from `low` to `high` (inclusive). */
function countIn(histogram: Uint32Array, low: number, high: number): number {
  let count = 0;
  for (let value = low; value <= high; value++) count += histogram[value]!;
  return count;
}

function describe(
  mask: Buffer,
  size: { width: number; height: number },
  method: CutoutMethod,
  noise: number,
  ambiguous?: number,
): Cutout {
  const subject = subjectBox(mask, size.width, size.height);
  const histogram = histogramOf(mask);
  const soft = ambiguous ?? countIn(histogram, 1, 254);
  const solid = countIn(histogram, 128, 255);
  const uncertainty = subject ? Math.min(1, 0.02 + (2 * soft) / Math.max(1, solid) + noise / 128) : 1;
  return { mask, subject, uncertainty, method };
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
