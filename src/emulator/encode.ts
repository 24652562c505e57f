/** The response image: format, quality and pixel density, as the API writes them. */
import type { Sharp } from 'sharp';
import { fromRaster, type Raster } from './raster.js';

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'avif';

export interface Encoded {
  body: Buffer;
  contentType: string;
}

type Rgb = { r: number; g: number; b: number };

const WHITE: Rgb = { r: 255, g: 255, b: 255 };

/** `jpg` and `jpeg` are the same format. */
export function imageFormat(name: string | undefined): ImageFormat {
  if (name === 'jpg' || name === 'jpeg') return 'jpeg';
  return name === 'webp' || name === 'avif' ? name : 'png';
}

/** Flattens onto `matte`; the result has no alpha channel. */
export function flatten(raster: Raster, matte: Rgb): Sharp {
  return fromRaster(raster).flatten({ background: { r: matte.r, g: matte.g, b: matte.b } });
}

/** PNG (lossless), JPEG at quality 80 (flattened on white), WebP or AVIF at quality 90. */
export async function encodeImage(raster: Raster, format: ImageFormat, dpi?: number): Promise<Encoded> {
  let pipeline = fromRaster(raster);
  // sharp would widen a one-channel raster to sRGB on output.
  if (raster.channels === 1) pipeline = pipeline.toColourspace('b-w');
  else if (format === 'jpeg' && raster.channels === 4) pipeline = flatten(raster, WHITE);
  if (dpi !== undefined) pipeline = pipeline.withDensity(dpi);
  if (format === 'jpeg') pipeline = pipeline.jpeg({ quality: 80 });
  else if (format === 'webp') pipeline = pipeline.webp({ quality: 90 });
  else if (format === 'avif') pipeline = pipeline.avif({ quality: 90 });
  else pipeline = pipeline.png();
  return { body: await pipeline.toBuffer(), contentType: `image/${format}` };
}
