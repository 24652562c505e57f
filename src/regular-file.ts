/**
 * Regular files only. Opening a named pipe for reading blocks until a writer comes, and so
 * does a device that never answers: each such open holds one of the four threads of libuv's
 * pool for good, and four of them stop every file operation of the process, Ctrl-C's
 * included. And a rename replaces whatever has the name: a FIFO, a device or a link
 * (`/dev/stdout`) would be replaced by a file. So inputs, records of ours and files a
 * parameter names are opened without blocking and their type is read from the open handle
 * (a stat before the open could be raced by a rename), and a result is renamed only over a
 * regular file or nothing.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';

/** `a FIFO`, `a socket`, `a character device`, `a block device`; null for a file, a folder or a link. */
export function specialKind(stats: Stats): string | null {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return null;
}

/** The file is a named pipe, a device, a socket or a folder: it is never read. */
export class NotARegularFile extends Error {
  /** What it is instead: `a FIFO`, `a folder`... */
  readonly kind: string;

  constructor(
    readonly file: string,
    stats: Stats,
  ) {
    super('not a regular file');
    this.kind = stats.isDirectory() ? 'a folder' : (specialKind(stats) ?? 'not a regular file');
  }
}

/** The open handle and what it is; the caller closes the handle. Throws NotARegularFile, or the open's error. */
export async function openRegularFile(file: string): Promise<{ handle: FileHandle; stats: Stats }> {
  // O_NONBLOCK changes nothing for a regular file's reads; it only keeps the open itself from waiting.
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new NotARegularFile(file, stats);
    return { handle, stats };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** A regular file's bytes, streamed from a handle opened as above. */
export async function* regularFileChunks(file: string, chunkBytes: number): AsyncGenerator<Buffer> {
  const { handle } = await openRegularFile(file);
  // The stream closes the handle when it ends or fails.
  yield* handle.createReadStream({ highWaterMark: chunkBytes }) as AsyncIterable<Buffer>;
}

/** A regular file's whole content. */
export async function readRegularFile(file: string): Promise<Buffer> {
  const { handle } = await openRegularFile(file);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** What stands at `file` that a result must not be renamed over (anything but a regular file), or null. */
export async function notReplaceable(file: string): Promise<string | null> {
  const stats = await lstat(file).catch(() => null);
  if (!stats || stats.isFile()) return null;
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a folder';
  return specialKind(stats) ?? 'not a regular file';
}
