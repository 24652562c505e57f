/**
 * Whether an input is whole, for every format the tool takes or converts: PNG, JPEG, WebP,
 * GIF, AVIF and HEIF by walking their structure as the bytes pass (image-end.ts), TIFF by
 * reading where its offsets point (tiff-end.ts), and SVG by its root element's end. Bytes
 * of any other kind are refused by their type whole or not, so they count as whole.
 * `--watch` sends a file only once whole; a conversion is never tried on a cut file.
 */
import type { FileHandle } from 'node:fs/promises';
import { openRegularFile } from '../regular-file.js';
import { ImageEndCheck } from './image-end.js';
import { isSvg, isTiff } from './signature.js';
import { tiffProblem, type ReadAt } from './tiff-end.js';

const READ_BYTES = 64 * 1024;
/** Enough to tell SVG from its prolog (signature.ts reads as much). */
const HEAD_BYTES = 1024;
/** The end of an SVG looked at: its root's end tag, and any comments after it. */
const SVG_TAIL_BYTES = 4096;

/**
 * Null when the file holds a whole image, else what is missing. Throws NotARegularFile for
 * a named pipe or a device, which is never opened blocking.
 */
export async function fileProblem(file: string): Promise<string | null> {
  const { handle, stats } = await openRegularFile(file);
  try {
    return await problemOf(fileReader(handle), stats.size);
  } finally {
    await handle.close();
  }
}

/** Null when `bytes` hold a whole image, else what is missing. */
export function bytesProblem(bytes: Buffer): Promise<string | null> {
  return problemOf((at, length) => Promise.resolve(bytes.subarray(at, at + length)), bytes.length);
}

async function problemOf(readAt: ReadAt, size: number): Promise<string | null> {
  const head = await readAt(0, HEAD_BYTES);
  if (isTiff(head)) return tiffProblem(readAt, size);
  if (isSvg(head)) return svgProblem(head, await readAt(Math.max(0, size - SVG_TAIL_BYTES), SVG_TAIL_BYTES));
  const check = new ImageEndCheck();
  for (let at = 0; at < size && !check.decided; at += READ_BYTES) check.push(await readAt(at, READ_BYTES));
  return check.verdict('allowed').problem;
}

function fileReader(handle: FileHandle): ReadAt {
  return async (at, length) => {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, at);
    return buffer.subarray(0, bytesRead);
  };
}

/** Whole when the root element is closed: `</svg>` last (comments and blanks may follow), or a root that closes itself. */
function svgProblem(head: Buffer, tail: Buffer): string | null {
  const root = /<svg(?:\s[^>]*)?>/i.exec(head.toString('utf8'))?.[0];
  if (root?.endsWith('/>')) return null;
  const end = tail.toString('utf8').replace(/(\s|<!--[\s\S]*?-->)*$/, '');
  return /<\/(?:[\w.-]+:)?svg\s*>$/i.test(end) ? null : 'it ends before its closing </svg> tag';
}
