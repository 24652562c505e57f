/**
 * Writing results so that a final name only ever holds a whole file: bytes go to a
 * temporary file in the same folder (same file system, so the rename is atomic), then the
 * temporary file is renamed over the final name.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** Temporary files start with this, so stale ones from a crash can be recognised. */
export const TEMP_PREFIX = '.photoroom-tmp-';

export interface WrittenFile {
  path: string;
  bytes: number;
  sha256: string;
}

let temporaryCount = 0;

/** `<prefix><name>.<pid>-<n>`: the pid tells a later run whether the writer is still alive. */
export function temporaryPathFor(finalPath: string): string {
  temporaryCount += 1;
  return path.join(path.dirname(finalPath), `${TEMP_PREFIX}${path.basename(finalPath)}.${process.pid}-${temporaryCount.toString(16)}`);
}

/** Folders this process has made: each is made once, not once per file. */
const madeFolders = new Set<string>();

async function ensureFolder(folder: string): Promise<void> {
  if (madeFolders.has(folder)) return;
  await mkdir(folder, { recursive: true });
  madeFolders.add(folder);
}

/**
 * Writes `source` to `finalPath` atomically, hashing on the way (no second read). Chunks
 * are written as they arrive, so a large answer never sits whole in memory. `verify` may
 * throw to refuse the bytes before they take the final name.
 */
export async function writeAtomically(
  finalPath: string,
  source: AsyncIterable<Buffer> | Buffer | string,
  verify?: (written: WrittenFile) => void,
): Promise<WrittenFile> {
  await ensureFolder(path.dirname(finalPath));
  const temporary = temporaryPathFor(finalPath);
  const hash = createHash('sha256');
  let bytes = 0;
  const chunks = typeof source === 'string' || Buffer.isBuffer(source) ? [Buffer.from(source)] : source;
  // Opened before any byte arrives, so that on failure the file exists by the time it is removed.
  const handle = await open(temporary, 'wx');
  try {
    for await (const chunk of chunks) {
      hash.update(chunk);
      bytes += chunk.length;
      await writeWhole(handle, chunk);
    }
    await handle.close();
    const written = { path: finalPath, bytes, sha256: hash.digest('hex') };
    verify?.(written);
    await rename(temporary, finalPath);
    return written;
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
}

async function writeWhole(handle: FileHandle, chunk: Buffer): Promise<void> {
  for (let offset = 0; offset < chunk.length; ) {
    offset += (await handle.write(chunk, offset)).bytesWritten;
  }
}
