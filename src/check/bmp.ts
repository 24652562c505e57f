/**
 * BMP, which sharp cannot decode and Walmart and Google take: what its header says of its
 * pixels (Microsoft's BITMAPINFOHEADER and its successors, or OS/2's BITMAPCOREHEADER), and
 * the pixels themselves when they are stored uncompressed, as nearly every BMP is.
 */
import type { Raster } from './raster.js';

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
  // 1, 4 and 8 bits index a palette of 8-bit colours; 16 bits hold 5 bits a channel (5-5-5 or 5-6-5).
  const bitDepth = bitsPerPixel === 16 ? 5 : 8;
  return { bitDepth, hasAlpha };
}

/** BI_RGB and BI_BITFIELDS: uncompressed pixels. Run-length (BI_RLE8, BI_RLE4) and embedded JPEG or PNG are not decoded. */
const UNCOMPRESSED = new Set([0, 3]);

/**
 * The pixels of an uncompressed BMP (24 or 32 bits a pixel, or 1, 4 or 8 bits indexing a
 * palette) as 8-bit RGB, top row first; or why they cannot be read. A 32-bit pixel is taken as
 * B, G, R and a fourth byte, alpha ignored (BMP writers rarely fill it).
 */
export function decodeBmp(content: Buffer): Raster | string {
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
  if (content.length < FILE_HEADER + 40) return 'a BMP header this check does not read';
  const dataAt = view.getUint32(10, true);
  const headerSize = view.getUint32(FILE_HEADER, true);
  const width = view.getInt32(FILE_HEADER + 4, true);
  const storedHeight = view.getInt32(FILE_HEADER + 8, true);
  const bitsPerPixel = view.getUint16(FILE_HEADER + 14, true);
  const compression = view.getUint32(FILE_HEADER + 16, true);
  const height = Math.abs(storedHeight);
  if (headerSize < 40 || !UNCOMPRESSED.has(compression) || ![1, 4, 8, 24, 32].includes(bitsPerPixel))
    return `a ${bitsPerPixel}-bit BMP of compression ${compression}, which this check does not decode`;
  const rowBytes = Math.ceil((width * bitsPerPixel) / 32) * 4;
  if (width <= 0 || height === 0 || dataAt + rowBytes * height > content.length) return 'a truncated BMP';
  const paletteAt = FILE_HEADER + headerSize;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    // Rows are stored bottom-up unless the height is negative.
    const from = dataAt + (storedHeight > 0 ? height - 1 - y : y) * rowBytes;
    for (let x = 0; x < width; x++) {
      let at: number;
      if (bitsPerPixel >= 24) at = from + x * (bitsPerPixel / 8);
      else {
        const bit = x * bitsPerPixel;
        const index = (content[from + (bit >> 3)]! >> (8 - bitsPerPixel - (bit & 7))) & ((1 << bitsPerPixel) - 1);
        at = paletteAt + index * 4;
      }
      const to = (y * width + x) * 3;
      data[to] = content[at + 2] ?? 0;
      data[to + 1] = content[at + 1] ?? 0;
      data[to + 2] = content[at] ?? 0;
    }
  }
  return { data, width, height, channels: 3 };
}
