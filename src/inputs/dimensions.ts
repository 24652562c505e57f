/** Pixel size of an image from its header alone: no decoding, at most 512 KB read. */

/** The first `length` bytes of an input, however it is stored (a file, an object's ranged read). */
export type HeadReader = (length: number) => Promise<Uint8Array>;

/**
 * Longer reads, tried in turn while the header runs past what was read: a JPEG's frame
 * header comes after its EXIF, ICC and other APPn segments (up to 64 KB each, and cameras
 * write several). image-size's own file reader reads the last amount.
 */
const HEADER_READS = [64 * 1024, 512 * 1024];

export interface Dimensions {
  width: number;
  height: number;
}

/**
 * The size as displayed (EXIF orientation applied), from `head` when it holds the whole
 * header, else from a longer read. Undefined when the header can't be read.
 */
export async function readDimensions(
  readHead: HeadReader,
  head: Uint8Array,
  fileSize: number,
): Promise<Dimensions | undefined> {
  // Loaded on first use: only /v1/segment and upscale.mode read dimensions.
  const { imageSize } = await import('image-size');
  const dimensionsOf = (bytes: Uint8Array) => dimensionsFrom(imageSize, bytes);
  let bytes = head;
  for (const length of HEADER_READS) {
    const found = dimensionsOf(bytes);
    if (found || bytes.length >= Math.min(fileSize, length)) return found;
    bytes = await readHead(Math.min(fileSize, length));
  }
  return dimensionsOf(bytes);
}

function dimensionsFrom(imageSize: typeof import('image-size').imageSize, bytes: Uint8Array): Dimensions | undefined {
  let size;
  try {
    size = imageSize(bytes);
  } catch {
    return undefined; // not a format it knows, or the header runs past `bytes`
  }
  const { width, height, orientation } = size;
  if (!(width > 0 && height > 0)) return undefined;
  // EXIF orientations 5–8 turn the picture a quarter turn.
  return orientation !== undefined && orientation >= 5 && orientation <= 8
    ? { width: height, height: width }
    : { width, height };
}
