/**
 * One decoded image as the measurements read it: 8-bit sRGB, row after row, with an alpha
 * channel only when the image has one.
 */
export interface Raster {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** 3 (R, G, B) or 4 (R, G, B, alpha). */
  readonly channels: 3 | 4;
}

/** An opaque colour, as 0xRRGGBB. */
export type Rgb = number;

/**
 * How far apart two levels of one channel may be and still count as the same colour: about
 * 10% of 255. JPEG noise and a soft shadow's faint spread stay within it; a shadow's dark
 * core, a white product's shaded outline (C8–D8 on FF) and any real product differ by more.
 */
export const DIFFERENCE = 24;

/** An alpha at or above this is opaque enough to be seen (half of 255). */
export const VISIBLE_ALPHA = 128;

/** `FFFFFF`: upper-case hex, no `#`. */
export function hexOf(color: Rgb): string {
  return color.toString(16).toUpperCase().padStart(6, '0');
}

/** The colour `FFFFFF` (or `ffffff`) names; throws a RangeError on anything else. */
export function rgbOf(hex: string): Rgb {
  if (!/^[0-9a-f]{6}$/i.test(hex)) throw new RangeError(`a background colour is 6 hex digits, not "${hex}"`);
  return Number.parseInt(hex, 16);
}
