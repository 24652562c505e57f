/**
 * Opening a file that must be a regular file (an input, a file a parameter names) without
 * ever blocking. Opening a named pipe for reading blocks until a writer comes, and so does a
 * device that never answers: each such open holds one of the four threads of libuv's pool
 * for good, and four of them stop every file operation of the process, Ctrl-C's included.
 * The open is non-blocking and the type is read from the open handle: a stat before the
 * open could be raced by a rename.
 */
import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** The file is a named pipe, a device, a socket or a folder: it is never read. */
export class NotARegularFile extends Error {
  constructor(readonly file: string) {
    super('not a regular file');
  }
}

/** The open handle and what it is; the caller closes the handle. Throws NotARegularFile, or the open's error. */
export async function openRegularFile(file: string): Promise<{ handle: FileHandle; stats: Stats }> {
  // O_NONBLOCK changes nothing for a regular file's reads; it only keeps the open itself from waiting.
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new NotARegularFile(file);
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
