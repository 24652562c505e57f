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

/** Largest input `upscale.mode` takes on `/v2/edit`, both sides. */
export const UPSCALE_LIMITS: Readonly<Record<UpscaleMode, { readonly width: number; readonly height: number }>> = {
  'ai.fast': { width: 1000, height: 1000 },
  'ai.slow': { width: 512, height: 512 },
};

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
