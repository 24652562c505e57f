/**
 * The fixed signatures of PNG, JPEG and WebP: the formats every endpoint takes and answers
 * in, and of AVIF, which `/v2/edit` answers in too; and the two converted formats file-type
 * cannot tell from a prefix, TIFF and SVG. One sniffer for the input checks, the answer
 * checks, the wholeness checks and the emulator.
 */

export type CommonImageType = 'png' | 'jpeg' | 'webp';

/** Bytes needed to tell the three apart. */
export const SIGNATURE_BYTES = 12;

export const MIME_TYPE: Readonly<Record<CommonImageType, string>> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

function isCommonImageType(name: string): name is CommonImageType {
  return Object.hasOwn(MIME_TYPE, name);
}

/** The format the first bytes of a file announce, or undefined when they are none of the three. */
export function commonImageType(head: Uint8Array): CommonImageType | undefined {
  if (PNG_SIGNATURE.every((byte, at) => head[at] === byte)) return 'png';
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.length >= SIGNATURE_BYTES && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'webp';
  return undefined;
}

/** A TIFF's byte order and version: 42, or 43 for BigTIFF (its first directory may lie past any prefix file-type reads). */
export function isTiff(head: Uint8Array): boolean {
  const little = head[0] === 0x49 && head[1] === 0x49 && (head[2] === 0x2a || head[2] === 0x2b) && head[3] === 0;
  const big = head[0] === 0x4d && head[1] === 0x4d && head[2] === 0 && (head[3] === 0x2a || head[3] === 0x2b);
  return little || big;
}

/** SVG is XML text, which file-type does not name: an `<svg` root after the prolog. */
export function isSvg(head: Uint8Array): boolean {
  const text = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 1024))
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  return /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(text);
}

/** The format a MIME type names (`image/jpeg; q=1` → jpeg), or undefined. */
export function imageTypeOfMime(mime: string): CommonImageType | undefined {
  const bare = mime.split(';')[0]?.trim().toLowerCase() ?? '';
  if (bare === 'image/jpg') return 'jpeg';
  return Object.keys(MIME_TYPE)
    .filter(isCommonImageType)
    .find((type) => MIME_TYPE[type] === bare);
}

/** What an answer may be: the three, or AVIF (`export.format avif`, since the 2026-06-22 contract). */
export type AnswerImageType = CommonImageType | 'avif';

/** AVIF's ISO BMFF `ftyp` box, brand `avif` (a still image) or `avis` (a sequence). */
function isAvif(head: Uint8Array): boolean {
  return (
    head.length >= SIGNATURE_BYTES && ascii(head, 4, 8) === 'ftyp' && ['avif', 'avis'].includes(ascii(head, 8, 12))
  );
}

/** The format an answer's first bytes announce, or undefined. */
export function answerImageType(head: Uint8Array): AnswerImageType | undefined {
  return commonImageType(head) ?? (isAvif(head) ? 'avif' : undefined);
}

/** The answer format a MIME type names, or undefined. */
export function answerTypeOfMime(mime: string): AnswerImageType | undefined {
  return imageTypeOfMime(mime) ?? (mime.split(';')[0]?.trim().toLowerCase() === 'image/avif' ? 'avif' : undefined);
}
