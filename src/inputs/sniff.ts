/**
 * Checks an input file locally before it is uploaded: that it can be read, that its bytes
 * (never its name) are an image the endpoint takes, and that it is within the endpoint's
 * size and pixel limits. Reads at most a file's first `SNIFF_BYTES`, plus its header when
 * pixel limits apply.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { fileTypeFromBuffer, type FileTypeResult } from 'file-type';
import type { Endpoint } from '../params/types.js';
import { errorCode, fileErrorReason, readHead, statInput } from './access.js';
import { readDimensions } from './dimensions.js';
import { ENDPOINT_LIMITS, UPSCALE_LIMITS, type EndpointLimits, type ImageType, type UpscaleMode } from './formats.js';

export type { ImageType, UpscaleMode } from './formats.js';

export type InputCheck =
  | { ok: true; type: ImageType; bytes: number; width?: number; height?: number }
  | { ok: false; reason: string };

export interface CheckOptions {
  endpoint: Endpoint;
  /** Applies its pixel limit whatever the endpoint: pass it for `/v2/edit` only. */
  upscaleMode?: UpscaleMode;
}

/** file-type's own sample size: enough for every format it detects from a prefix. */
const SNIFF_BYTES = 4100;

const MB = 1024 * 1024;

/** file-type's extension → ours. APNG is a PNG with extra chunks (decoders show its first frame). */
const IMAGE_TYPES: Readonly<Record<string, ImageType>> = { png: 'png', apng: 'png', jpg: 'jpeg', webp: 'webp', heic: 'heic' };

const TYPE_NAMES: Readonly<Record<ImageType, string>> = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP', heic: 'HEIC' };

export async function checkInputFile(file: string, options: CheckOptions): Promise<InputCheck> {
  const limits = ENDPOINT_LIMITS[options.endpoint];
  const found = await statInput(file);
  if ('reason' in found) return failed(found.reason);
  const { stats } = found;
  if (!stats.isFile()) return failed('not a regular file');
  if (stats.size === 0) return failed('empty file (0 bytes)');
  if (stats.size > limits.maxBytes) return failed(`${sizeText(stats.size, limits.maxBytes)} is over the ${limits.maxBytes / MB} MB limit of ${limits.path}`);

  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    return failed(fileErrorReason(errorCode(error)));
  }
  try {
    return await checkContents(handle, stats.size, limits, options.upscaleMode);
  } catch (error) {
    return failed(fileErrorReason(errorCode(error)));
  } finally {
    await handle.close();
  }
}

async function checkContents(handle: FileHandle, bytes: number, limits: EndpointLimits, upscaleMode: UpscaleMode | undefined): Promise<InputCheck> {
  const head = await readHead(handle, Math.min(bytes, SNIFF_BYTES));
  const sniffed = await fileTypeFromBuffer(head);
  const type = sniffed && IMAGE_TYPES[sniffed.ext];
  if (!type || !limits.types.includes(type)) return failed(typeReason(sniffed, type, limits));
  if (limits.maxSide === undefined && upscaleMode === undefined) return { ok: true, type, bytes };

  const size = await readDimensions(handle, head, bytes);
  if (!size) return { ok: true, type, bytes };
  const { width, height } = size;
  if (limits.maxSide !== undefined && Math.max(width, height) > limits.maxSide) {
    return failed(`${width}x${height} px is over the ${limits.maxSide} px limit of ${limits.path}`);
  }
  const upscale = upscaleMode && UPSCALE_LIMITS[upscaleMode];
  if (upscale && (width > upscale.width || height > upscale.height)) {
    return failed(`upscale.mode ${upscaleMode} takes images of at most ${upscale.width}x${upscale.height} px; this one is ${width}x${height}`);
  }
  return { ok: true, type, bytes, width, height };
}

function typeReason(sniffed: FileTypeResult | undefined, type: ImageType | undefined, limits: EndpointLimits): string {
  if (!sniffed) return 'not an image: unrecognised bytes';
  if (type) {
    const hint = type === 'heic' ? ' (use photoroom segment, or convert to JPEG/PNG/WebP)' : '';
    return `${TYPE_NAMES[type]} images are not accepted by ${limits.path}${hint}`;
  }
  const name = sniffed.ext.toUpperCase();
  if (sniffed.mime.startsWith('image/')) return `${name} images are not accepted by ${limits.path}`;
  const kind = sniffed.mime.startsWith('video/') ? 'video' : sniffed.mime.startsWith('audio/') ? 'audio' : 'file';
  return `not an image: the bytes are ${article(name)} ${name} ${kind} (${sniffed.mime})`;
}

/** For a name read letter by letter ("an MP4", "a PDF"): letters whose name starts with a vowel sound. */
function article(name: string): string {
  return /^[AEFHILMNORSX]/.test(name) ? 'an' : 'a';
}

/** One decimal, with the exact count when that rounds down to the limit itself. */
function sizeText(bytes: number, limit: number): string {
  const text = `${(bytes / MB).toFixed(1)} MB`;
  return Number.parseFloat(text) * MB <= limit ? `${text} (${bytes} bytes)` : text;
}

function failed(reason: string): InputCheck {
  return { ok: false, reason };
}
