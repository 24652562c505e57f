/**
 * Checks an input file locally before it is uploaded: that it can be read, that its bytes
 * (never its name) are an image the endpoint takes, and that it is within the endpoint's
 * size and pixel limits. Reads at most a file's first `SNIFF_BYTES`, plus its header when
 * pixel limits apply. A refusal that converting or downscaling the image would cure says
 * so (`fix`), for the caller to apply or not (--no-convert, --fit-inputs).
 */
import type { FileTypeResult } from 'file-type';
import type { Endpoint } from '../params/types.js';
import { fileErrorReason, fileSystemCode, openInput, readHead } from './access.js';
import type { ObjectStorage } from '../storage/storage.js';
import { readDimensions, type HeadReader } from './dimensions.js';
import { objectHead, type ObjectVersion } from './object-bytes.js';
import { commonImageType, isSvg, isTiff } from './signature.js';
import {
  CONVERTIBLE,
  ENDPOINT_LIMITS,
  pixelCount,
  upscaleRefusalLimit,
  type EndpointLimits,
  type ImageType,
  type UpscaleRequest,
} from './formats.js';

export type { ImageType, UpscaleMode, UpscaleRequest } from './formats.js';

export type InputCheck =
  | {
      ok: true;
      type: ImageType;
      bytes: number;
      mtimeMs: number;
      width?: number;
      height?: number;
      /** The whole file, when it is no larger than `keepUpTo`: read once, for upload and hash. */
      content?: Buffer;
    }
  | { ok: false; reason: string; fix?: InputFix };

/**
 * What would make a refused image acceptable: converting it to a format the endpoint takes
 * (`from` names what it is), or fitting it within the endpoint's limits.
 */
export type InputFix =
  | { kind: 'convert'; from: string }
  | { kind: 'fit'; maxBytes: number; maxWidth?: number; maxHeight?: number; maxPixels?: number };

export interface CheckOptions {
  endpoint: Endpoint;
  /**
   * Applies the upscaler's pixel limit whatever the endpoint (pass it for `/v2/edit` only),
   * unless its `downscaleIfNeeded` lets the API shrink an oversized input itself.
   */
  upscale?: UpscaleRequest;
  /** Files up to this many bytes are read whole and returned as `content`. Default 0. */
  keepUpTo?: number;
}

/** file-type's own sample size: enough for every format it detects from a prefix. */
export const SNIFF_BYTES = 4100;

const MB = 1024 * 1024;

/** file-type's extension → ours. APNG is a PNG with extra chunks (decoders show its first frame). */
const IMAGE_TYPES: Readonly<Record<string, ImageType>> = {
  png: 'png',
  apng: 'png',
  jpg: 'jpeg',
  webp: 'webp',
  heic: 'heic',
};

const TYPE_NAMES: Readonly<Record<ImageType, string>> = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP', heic: 'HEIC' };

export async function checkInputFile(file: string, options: CheckOptions): Promise<InputCheck> {
  const limits = ENDPOINT_LIMITS[options.endpoint];
  const opened = await openInput(file);
  if ('reason' in opened) return failed(opened.reason);
  const { handle, stats } = opened;
  try {
    if (stats.size === 0) return failed('empty file (0 bytes)');
    const whole = stats.size <= (options.keepUpTo ?? 0);
    const head = await readHead(handle, whole ? stats.size : Math.min(stats.size, SNIFF_BYTES));
    if (stats.size > limits.maxBytes) return oversized(head, stats.size, limits);
    const check = await checkContents((length) => readHead(handle, length), head, stats.size, limits, options.upscale);
    return check.ok
      ? {
          ...check,
          mtimeMs: stats.mtimeMs,
          ...(whole && { content: Buffer.from(head.buffer, head.byteOffset, head.byteLength) }),
        }
      : check;
  } catch (error) {
    return failed(fileErrorReason(fileSystemCode(error)));
  } finally {
    await handle.close();
  }
}

type ContentCheck =
  { ok: true; type: ImageType; bytes: number; width?: number; height?: number } | Extract<InputCheck, { ok: false }>;

/**
 * An object input checked as a file is, from a ranged read of its head (the whole of it up
 * to `keepUpTo`, returned as `content`). No wholeness check: a store shows an object only
 * once all of it is stored, never a half-written one. A storage failure is thrown
 * (StorageFailure), for the caller to word.
 */
export async function checkInputObject(
  storage: ObjectStorage,
  object: ObjectVersion,
  options: CheckOptions,
): Promise<ContentCheck & { content?: Buffer }> {
  const limits = ENDPOINT_LIMITS[options.endpoint];
  if (object.size === 0) return failed('empty object (0 bytes)');
  const whole = object.size <= (options.keepUpTo ?? 0);
  const readHead = (length: number) => objectHead(storage, object, length);
  const head = await readHead(whole ? object.size : Math.min(object.size, SNIFF_BYTES));
  if (object.size > limits.maxBytes) return oversized(head, object.size, limits);
  const check = await checkContents(readHead, head, object.size, limits, options.upscale);
  return check.ok && whole ? { ...check, content: Buffer.from(head) } : check;
}

/** Over the endpoint's byte limit: an image of a readable kind can be fitted. */
async function oversized(
  head: Uint8Array,
  bytes: number,
  limits: EndpointLimits,
): Promise<Extract<InputCheck, { ok: false }>> {
  const reason = `${sizeText(bytes, limits.maxBytes)} is over the ${limits.maxBytes / MB} MB limit of ${limits.path}`;
  const readable = commonImageType(head) !== undefined || (await convertibleFormat(head)) !== undefined;
  return readable ? { ok: false, reason, fix: { kind: 'fit', maxBytes: limits.maxBytes } } : failed(reason);
}

/** The name of a format that is converted before sending (TIFF, GIF, AVIF, SVG), from the bytes. */
async function convertibleFormat(head: Uint8Array): Promise<string | undefined> {
  return convertibleName(head, await (await import('file-type')).fileTypeFromBuffer(head.subarray(0, SNIFF_BYTES)));
}

/**
 * The convertible format `head` holds, by what file-type found or by the signatures it
 * cannot tell from a prefix: SVG is XML text, and a TIFF's first directory may lie past it.
 */
function convertibleName(head: Uint8Array, sniffed: FileTypeResult | undefined): string | undefined {
  if (isSvg(head)) return 'SVG';
  if (isTiff(head)) return 'TIFF';
  return sniffed && CONVERTIBLE[sniffed.ext]?.name;
}

/** file-type's extensions that are not the format's usual name. APNG decodes as a PNG's first frame. */
const FORMAT_NAMES: Readonly<Record<string, string>> = { jpg: 'jpeg', apng: 'png', tif: 'tiff' };

/**
 * The image format a file's first `SNIFF_BYTES` announce, lower-case (jpeg, png, gif, webp,
 * tiff, bmp, avif, heic, svg...), or null when they are no image file-type or our signatures know.
 */
export async function imageFormatOf(head: Uint8Array): Promise<string | null> {
  const common = commonImageType(head);
  if (common) return common;
  if (isTiff(head)) return 'tiff';
  if (isSvg(head)) return 'svg';
  const sniffed = await (await import('file-type')).fileTypeFromBuffer(head.subarray(0, SNIFF_BYTES));
  if (!sniffed?.mime.startsWith('image/')) return null;
  return FORMAT_NAMES[sniffed.ext] ?? sniffed.ext;
}

/**
 * Variants of the common formats the API refuses: 16-bit PNG (the IHDR's bit depth) and
 * CMYK JPEG (four components in the frame header, when it lies within the bytes read).
 */
function refusedVariant(head: Uint8Array, type: ImageType): string | undefined {
  if (type === 'png' && head[24] === 16) return '16-bit PNG';
  if (type === 'jpeg' && jpegComponents(head) === 4) return 'CMYK JPEG';
  return undefined;
}

/** The component count of a JPEG's frame header (SOFn), or undefined when it is not within `head`. */
function jpegComponents(head: Uint8Array): number | undefined {
  let at = 2;
  while (at + 9 < head.length && head[at] === 0xff) {
    const marker = head[at + 1] ?? 0;
    const length = ((head[at + 2] ?? 0) << 8) | (head[at + 3] ?? 0);
    // SOF0–SOF15 hold the frame header; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return head[at + 9];
    at += 2 + length;
  }
  return undefined;
}

async function checkContents(
  readHead: HeadReader,
  head: Uint8Array,
  bytes: number,
  limits: EndpointLimits,
  upscale: UpscaleRequest | undefined,
): Promise<ContentCheck> {
  // PNG, JPEG and WebP, the bytes nearly every batch is made of, by their fixed signatures:
  // file-type's full detection allocates about 14 KB per file, which showed in profiles of
  // large batches.
  const common = commonImageType(head);
  // file-type is loaded for uncommon bytes only, and tells what they are (HEIC, GIF, a PDF...).
  const sniffed = common
    ? undefined
    : await (await import('file-type')).fileTypeFromBuffer(head.subarray(0, SNIFF_BYTES));
  const type = common ?? (sniffed && IMAGE_TYPES[sniffed.ext]);
  if (!type || !limits.types.includes(type)) {
    const from = convertibleName(head, sniffed);
    const reason = typeReason(sniffed, type, limits, from);
    return from ? { ok: false, reason, fix: { kind: 'convert', from } } : failed(reason);
  }
  const variant = refusedVariant(head, type);
  if (variant)
    return {
      ok: false,
      reason: `${variant} images are not accepted by ${limits.path}`,
      fix: { kind: 'convert', from: variant },
    };
  const maxPixels = upscaleRefusalLimit(upscale);
  if (limits.maxSide === undefined && maxPixels === undefined) return { ok: true, type, bytes };

  const size = await readDimensions(readHead, head, bytes);
  if (!size) return { ok: true, type, bytes };
  const { width, height } = size;
  if (limits.maxSide !== undefined && Math.max(width, height) > limits.maxSide) {
    const fix = {
      kind: 'fit',
      maxBytes: limits.maxBytes,
      maxWidth: limits.maxSide,
      maxHeight: limits.maxSide,
    } as const;
    return { ok: false, reason: `${width}x${height} px is over the ${limits.maxSide} px limit of ${limits.path}`, fix };
  }
  if (upscale && maxPixels !== undefined && width * height > maxPixels) {
    const reason = `upscale.mode ${upscale.mode} takes images of at most ${pixelCount(maxPixels)} pixels; this one is ${width}x${height} (${pixelCount(width * height)})`;
    return { ok: false, reason, fix: { kind: 'fit', maxBytes: limits.maxBytes, maxPixels } };
  }
  return { ok: true, type, bytes, width, height };
}

function typeReason(
  sniffed: FileTypeResult | undefined,
  type: ImageType | undefined,
  limits: EndpointLimits,
  convertible: string | undefined,
): string {
  if (convertible) return `${convertible} images are not accepted by ${limits.path}`;
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

function failed(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
