/** Decoding an uploaded image into the emulator's RGBA raster, or refusing it as the API would. */
import sharp from 'sharp';
import { type Raster, toRaster } from './raster.js';
import { RenderRefusal } from './refusal.js';

export interface DecodeRule {
  formats: readonly string[];
  /** Names of the formats, for the refusal message. */
  label: string;
}

export const EDIT_FORMATS: DecodeRule = { formats: ['png', 'jpeg', 'webp'], label: 'PNG, JPEG or WebP' };
export const SEGMENT_FORMATS: DecodeRule = {
  formats: ['png', 'jpeg', 'webp', 'heif'],
  label: 'PNG, JPEG, WebP or HEIC',
};

/** Decodes to 8-bit sRGB RGBA, EXIF orientation applied; refuses anything else. */
export async function decodeImage(input: Buffer, rule: DecodeRule, what = 'The image'): Promise<Raster> {
  const refusal = new RenderRefusal(`${what} could not be decoded as ${rule.label}`);
  const format = await sharp(input)
    .metadata()
    .then((metadata) => metadata.format as string | undefined)
    .catch(() => undefined);
  if (format === undefined || !rule.formats.includes(format)) throw refusal;
  try {
    return await toRaster(sharp(input).autoOrient().toColourspace('srgb').ensureAlpha());
  } catch {
    throw refusal;
  }
}
