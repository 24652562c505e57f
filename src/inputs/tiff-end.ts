/**
 * Whether a TIFF is whole. A TIFF places its parts by offsets, in any order (libtiff writes
 * the image data first and its directory last, then points the header at it), so it is not
 * walked as it streams past (image-end.ts) but read where its offsets point: the header, each
 * directory (IFD) in the chain, the values stored outside their entries, and every strip or
 * tile of image data. Whole when all of them lie within the file. Classic TIFF and BigTIFF.
 */

/** Reads `length` bytes at `at` (fewer at the end of the file). */
export type ReadAt = (at: number, length: number) => Promise<Buffer>;

/** Bytes per value of each TIFF field type (TIFF 6.0, section 2; BigTIFF's 16–18). */
const TYPE_BYTES: Readonly<Record<number, number>> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
  16: 8,
  17: 8,
  18: 8,
};

/** Where image data lies, and how long each piece is: strips, or tiles. */
const DATA_TAGS = [
  { offsets: 273, lengths: 279 },
  { offsets: 324, lengths: 325 },
] as const;

/** More directories than any real file holds: a chain this long loops. */
const MAX_DIRECTORIES = 10_000;

/** Offset and entry sizes: classic TIFF's, or BigTIFF's. */
interface Layout {
  little: boolean;
  offsetBytes: 4 | 8;
  countBytes: 2 | 8;
  entryBytes: 12 | 20;
}

/** Thrown when the bytes stop short of what the file's own offsets promise. */
class Missing extends Error {}

/** Null when whole, else what is missing (or broken). */
export async function tiffProblem(readAt: ReadAt, size: number): Promise<string | null> {
  const read = async (at: number, length: number, what: string): Promise<Buffer> => {
    const bytes = at + length <= size ? await readAt(at, length) : Buffer.alloc(0);
    if (bytes.length < length) throw new Missing(`it ends before ${what} (bytes ${at} to ${at + length})`);
    return bytes;
  };
  try {
    const header = await read(0, 8, 'its header');
    const little = header[0] === 0x49;
    const big = (little ? header.readUInt16LE(2) : header.readUInt16BE(2)) === 43;
    const layout: Layout = big
      ? { little, offsetBytes: 8, countBytes: 8, entryBytes: 20 }
      : { little, offsetBytes: 4, countBytes: 2, entryBytes: 12 };
    const first = big ? number(await read(8, 8, 'its header'), 0, 8, little) : number(header, 4, 4, little);
    if (first === 0) return 'its header does not point to a directory yet';
    const seen = new Set<number>();
    for (let at = first; at !== 0;) {
      if (seen.has(at) || seen.size >= MAX_DIRECTORIES) return 'its directories loop';
      seen.add(at);
      at = await checkDirectory(read, at, layout, size);
    }
    return null;
  } catch (error) {
    if (error instanceof Missing) return error.message;
    throw error;
  }
}

/** Checks one directory and what it locates; returns the next directory's offset (0: the last). */
async function checkDirectory(
  read: (at: number, length: number, what: string) => Promise<Buffer>,
  at: number,
  layout: Layout,
  size: number,
): Promise<number> {
  const { little, offsetBytes, countBytes, entryBytes } = layout;
  const directory = `its directory at byte ${at}`;
  const entries = number(await read(at, countBytes, directory), 0, countBytes, little);
  const body = await read(at + countBytes, entries * entryBytes + offsetBytes, directory);
  /** Each entry's values, read from the file when they do not fit in the entry. */
  const values = new Map<number, number[]>();
  for (let entry = 0; entry < entries; entry++) {
    const start = entry * entryBytes;
    const tag = number(body, start, 2, little);
    const type = number(body, start + 2, 2, little);
    const count = number(body, start + 4, offsetBytes, little);
    const valueAt = start + 4 + offsetBytes;
    const bytes = (TYPE_BYTES[type] ?? 1) * count;
    const inline = bytes <= offsetBytes;
    const located = inline ? null : number(body, valueAt, offsetBytes, little);
    const raw = inline
      ? body.subarray(valueAt, valueAt + bytes)
      : await read(located!, bytes, `the values of tag ${tag} in ${directory}`);
    if (DATA_TAGS.some((pair) => pair.offsets === tag || pair.lengths === tag))
      values.set(tag, integers(raw, TYPE_BYTES[type] ?? 1, little));
  }
  for (const pair of DATA_TAGS) {
    const offsets = values.get(pair.offsets) ?? [];
    const lengths = values.get(pair.lengths) ?? [];
    let end = 0;
    offsets.forEach((offset, index) => (end = Math.max(end, offset + (lengths[index] ?? 0))));
    if (end > size) throw new Missing(`it ends before the ${end} bytes of image data ${directory} locates`);
  }
  return number(body, entries * entryBytes, offsetBytes, little);
}

/** An unsigned integer of 1, 2, 4 or 8 bytes. */
function number(bytes: Buffer, at: number, length: number, little: boolean): number {
  if (length === 8) return Number(little ? bytes.readBigUInt64LE(at) : bytes.readBigUInt64BE(at));
  return little ? bytes.readUIntLE(at, length) : bytes.readUIntBE(at, length);
}

function integers(raw: Buffer, width: number, little: boolean): number[] {
  const all: number[] = [];
  for (let at = 0; at + width <= raw.length; at += width) all.push(number(raw, at, width, little));
  return all;
}
