/**
 * What a path holds, where results are concerned: only a regular file may be replaced by a
 * result or read back as a record of ours. A FIFO, a socket or a device in its place would
 * block a thread on open, or be replaced by a file (`/dev/stdout`, a user's FIFO).
 */
import { constants, type Stats } from 'node:fs';
import { lstat, open } from 'node:fs/promises';

/** `a FIFO`, `a socket`, `a character device`, `a block device`; null for a file, a folder or a link. */
export function specialKind(stats: Stats): string | null {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return null;
}

/** What stands at `file` that a result must not be renamed over (anything but a regular file), or null. */
export async function notReplaceable(file: string): Promise<string | null> {
  const stats = await lstat(file).catch(() => null);
  if (!stats || stats.isFile()) return null;
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a folder';
  return specialKind(stats) ?? 'not a regular file';
}

/**
 * The text of `file` when it is a regular file, else null (missing, unreadable, or a FIFO,
 * socket or device). Opened without blocking, so that a FIFO without a writer answers at
 * once, and checked on the open descriptor, so that nothing is swapped in between.
 */
export async function readRegularFile(file: string): Promise<string | null> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => null);
  if (!handle) return null;
  try {
    return (await handle.stat()).isFile() ? await handle.readFile('utf8') : null;
  } catch {
    return null;
  } finally {
    await handle.close().catch(() => {});
  }
}
