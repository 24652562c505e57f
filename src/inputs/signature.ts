/**
 * The fixed signatures of PNG, JPEG and WebP: the formats every endpoint takes and answers
 * in, and of AVIF, which `/v2/edit` answers in too. One sniffer for the input checks, the
 * answer checks and the emulator.
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
