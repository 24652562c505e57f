import { ENDPOINT_PATH, type EndpointPath } from '../params/endpoints.js';
import type { EnumOf } from '../params/table.js';
import type { Endpoint } from '../params/types.js';

/** An image format some endpoint takes, as identified from the file's bytes. */
export type ImageType = 'png' | 'jpeg' | 'webp' | 'heic';

export type UpscaleMode = EnumOf<'upscale.mode'>;

export interface EndpointLimits {
  /** As the API documents it, for messages. */
  readonly path: EndpointPath;
  readonly types: readonly ImageType[];
  readonly maxBytes: number;
  /** Longest side in pixels; absent when the API documents none. */
  readonly maxSide?: number;
}

const MB = 1024 * 1024;

/** What each endpoint takes as its main input (API-NOTES, Limits). */
export const ENDPOINT_LIMITS: Readonly<Record<Endpoint, EndpointLimits>> = {
  edit: { path: ENDPOINT_PATH.edit, types: ['jpeg', 'png', 'webp'], maxBytes: 30 * MB },
  segment: { path: ENDPOINT_PATH.segment, types: ['jpeg', 'png', 'webp', 'heic'], maxBytes: 50 * MB, maxSide: 6000 },
};

/**
 * Largest input `upscale.mode` takes on `/v2/edit`, in pixels (width times height). The
 * contract: "Input limits depend on the model selected for AI Upscale. With the default
 * model: ai.fast: maximum 1,000,000 input pixels; ai.slow: maximum 262,144". No header to
 * choose another upscale model is documented, and none is sent: these are the default's.
 */
export const UPSCALE_MAX_PIXELS: Readonly<Record<UpscaleMode, number>> = {
  'ai.fast': 1_000_000,
  'ai.slow': 262_144,
};

/** What the API does with an input over the upscaler's limit (absent: `never`). */
export type DownscaleIfNeeded = EnumOf<'upscale.downscaleIfNeeded'>;

/** An upscale a request asks for: its mode, and what it lets the API do with an oversized input. */
export interface UpscaleRequest {
  readonly mode: UpscaleMode;
  readonly downscaleIfNeeded?: DownscaleIfNeeded;
}

/**
 * The pixel limit the API refuses an input over, or undefined when it takes any size: with
 * `always` or `skipUpscaleIfNotNeeded` it downscales (or skips the upscale) instead of
 * answering an error; `never`, or no choice, "return[s] an error when the image is too large".
 */
export function upscaleRefusalLimit(upscale: UpscaleRequest | undefined): number | undefined {
  if (!upscale) return undefined;
  const refuses = upscale.downscaleIfNeeded === undefined || upscale.downscaleIfNeeded === 'never';
  return refuses ? UPSCALE_MAX_PIXELS[upscale.mode] : undefined;
}

/** The largest size within `maxPixels` with the aspect ratio of `size` (unchanged when it already fits). */
export function withinPixels(
  size: { readonly width: number; readonly height: number },
  maxPixels: number,
): { width: number; height: number } {
  if (size.width * size.height <= maxPixels) return { width: size.width, height: size.height };
  const scale = Math.sqrt(maxPixels / (size.width * size.height));
  // Each side rounded down, so the count stays within the limit.
  const width = Math.max(1, Math.floor(size.width * scale));
  const height = Math.max(1, Math.floor(size.height * scale));
  return { width, height };
}

/** Thousands separated, as the contract writes pixel counts: 1,000,000. */
export function pixelCount(pixels: number): string {
  return pixels.toLocaleString('en-US');
}

const EXTENSIONS: Readonly<Record<ImageType, readonly string[]>> = {
  jpeg: ['jpg', 'jpeg'],
  png: ['png'],
  webp: ['webp'],
  heic: ['heic', 'heif'],
};

/** Formats no endpoint takes, which are converted locally (with sharp) before they are sent, by the name file-type gives them. */
export const CONVERTIBLE: Readonly<Record<string, { name: string; extensions: readonly string[] }>> = {
  tif: { name: 'TIFF', extensions: ['tif', 'tiff'] },
  gif: { name: 'GIF', extensions: ['gif'] },
  avif: { name: 'AVIF', extensions: ['avif'] },
  svg: { name: 'SVG', extensions: ['svg'] },
};

/**
 * Extensions of the images a folder walk picks up, lower-case, no dot: every type some
 * endpoint takes, and every type converted before sending. A HEIC found for /v2/edit is
 * then refused with its own reason (by its bytes), rather than counted as "not an image".
 */
export const IMAGE_EXTENSIONS: readonly string[] = [
  ...new Set([
    ...Object.values(ENDPOINT_LIMITS).flatMap((limits) => limits.types.flatMap((type) => EXTENSIONS[type])),
    ...Object.values(CONVERTIBLE).flatMap((format) => format.extensions),
  ]),
];
