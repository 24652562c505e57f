/**
 * What a BMP's header says of its pixels. sharp cannot decode BMP, and Walmart and Google
 * take it: its facts are read from the header alone (Microsoft's BITMAPINFOHEADER and its
 * successors, or OS/2's BITMAPCOREHEADER).
 */

export interface BmpPixelFormat {
  bitDepth: number;
  hasAlpha: boolean;
}

/** BITMAPCOREHEADER: 12 bytes, bits per pixel at its offset 10. */
const CORE_HEADER = 12;
/** BITMAPINFOHEADER and later: bits per pixel at offset 14; from V3 (56 bytes) an alpha mask at 52. */
const ALPHA_MASK_HEADER = 56;
const FILE_HEADER = 14;

/** Bits per channel and alpha from the header, or undefined when `head` holds no BMP header. */
export function bmpPixelFormat(head: Uint8Array): BmpPixelFormat | undefined {
  if (head.length < FILE_HEADER + 16 || head[0] !== 0x42 || head[1] !== 0x4d) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const headerSize = view.getUint32(FILE_HEADER, true);
  const bitsPerPixel = view.getUint16(FILE_HEADER + (headerSize === CORE_HEADER ? 10 : 14), true);
  const alphaMaskAt = FILE_HEADER + 52;
  const hasAlpha =
    bitsPerPixel === 32 &&
    headerSize >= ALPHA_MASK_HEADER &&
    head.length >= alphaMaskAt + 4 &&
    view.getUint32(alphaMaskAt, true) !== 0;
  // 1, 4 and 8 bits index a palette; 16 bits hold 5 bits per channel (5-5-5 or 5-6-5).
  const bitDepth = bitsPerPixel <= 8 ? bitsPerPixel : bitsPerPixel === 16 ? 5 : 8;
  return { bitDepth, hasAlpha };
}
