/** Reading the emulator's rendered images back, for tests. */
import sharp from 'sharp';
import type { Raster } from '../../src/emulator/raster.js';
import type { ParamValue } from '../../src/params/types.js';

/** Canonical parameter values, as the renderer takes them. */
export const params = (values: Record<string, ParamValue> = {}) => new Map(Object.entries(values));

/** Decodes to raw 8-bit pixels, keeping the image's own channels (1 to 4). */
export async function decode(body: Buffer): Promise<Raster> {
  const { data, info } = await sharp(body).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels as Raster['channels'] };
}

export function pixel(image: Raster, x: number, y: number): number[] {
  const at = (y * image.width + x) * image.channels;
  return [...image.data.subarray(at, at + image.channels)];
}

export async function size(body: Buffer): Promise<[number, number]> {
  const metadata = await sharp(body).metadata();
  return [metadata.width ?? 0, metadata.height ?? 0];
}
