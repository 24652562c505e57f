/** Uncompressed 8-bit pixel buffers passed between the emulator's steps, and their way into sharp. */
import sharp, { type Sharp } from 'sharp';

export interface Raster {
  data: Buffer;
  width: number;
  height: number;
  /** 1 (a mask), 3 (RGB) or 4 (RGBA, straight alpha). */
  channels: 1 | 3 | 4;
}

export function fromRaster(raster: Raster): Sharp {
  return sharp(raster.data, { raw: rawOf(raster) });
}

/** Runs a pipeline to raw 8-bit pixels. */
export async function toRaster(pipeline: Sharp): Promise<Raster> {
  const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const channels = info.channels;
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new Error(`unexpected ${channels}-channel raster`);
  }
  return { data, width: info.width, height: info.height, channels };
}

/** Runs a pipeline over a one-channel mask back to one byte per pixel (sharp would widen it to sRGB). */
export function toMask(pipeline: Sharp): Promise<Buffer> {
  return pipeline.toColourspace('b-w').raw({ depth: 'uchar' }).toBuffer();
}

/** An RGBA raster whose alpha is `mask` (one byte per pixel) and colours come from `image`. */
export function withAlpha(image: Raster, mask: Buffer): Raster {
  const { data: colours, channels } = image;
  const pixels = image.width * image.height;
  const data = Buffer.alloc(pixels * 4);
  if (channels === 4) {
    // The colours in one copy, then the mask over their alpha bytes.
    colours.copy(data, 0, 0, pixels * 4);
    for (let i = 0, to = 3; i < pixels; i++, to += 4) data[to] = mask[i] ?? 0;
  } else {
    // A one-channel image's next two levels are read as green and blue (0 past its end).
    for (let i = 0, from = 0, to = 0; i < pixels; i++, from += channels, to += 4) {
      data[to] = colours[from] ?? 0;
      data[to + 1] = colours[from + 1] ?? 0;
      data[to + 2] = colours[from + 2] ?? 0;
      data[to + 3] = mask[i] ?? 0;
    }
  }
  return { data, width: image.width, height: image.height, channels: 4 };
}

/** The alpha channel of an RGBA raster (255 everywhere for RGB). */
export function alphaOf(image: Raster): Buffer {
  const pixels = image.width * image.height;
  if (image.channels !== 4) return Buffer.alloc(pixels, 255);
  const alpha = Buffer.alloc(pixels);
  for (let i = 0; i < pixels; i++) alpha[i] = image.data[i * 4 + 3] ?? 0;
  return alpha;
}

/** An RGBA raster composited onto white, as RGB: how the image looks without its transparency. */
export function onWhite(image: Raster): Raster {
  const pixels = image.width * image.height;
  const data = Buffer.alloc(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    const at = i * image.channels;
    const alpha = image.channels === 4 ? (image.data[at + 3] ?? 0) / 255 : 1;
    for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.round((image.data[at + c] ?? 0) * alpha + 255 * (1 - alpha));
  }
  return { data, width: image.width, height: image.height, channels: 3 };
}

/** A fully transparent RGBA canvas. */
export function transparent(width: number, height: number): Sharp {
  return sharp({ create: { width, height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } });
}

/** The `raw` descriptor sharp needs to read a raster (for inputs and composite overlays). */
export function rawOf(raster: Raster): { width: number; height: number; channels: 1 | 3 | 4 } {
  return { width: raster.width, height: raster.height, channels: raster.channels };
}

/** A one-byte-per-pixel mask viewed as a one-channel raster. */
export function maskRaster(mask: Buffer, size: { width: number; height: number }): Raster {
  return { data: mask, width: size.width, height: size.height, channels: 1 };
}
