/**
 * Writing results so that a final name only ever holds a whole file: bytes go to a
 * temporary file in the same folder (same file system, so the rename is atomic), then the
 * temporary file is renamed over the final name. Every write stays inside the output
 * folder: a folder inside it that is a symbolic link to elsewhere is never written through.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, realpath, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { errorCode, LocalFault, writeFault } from '../errors.js';
import type { TemporaryWriter } from '../host.js';
import { relativeInside } from '../paths.js';
import { notReplaceable } from '../regular-file.js';
import { removeStaleTemporaryFiles, type Liveness } from './cleanup.js';
import { localFiles, type Results, type WrittenFile } from './results.js';
import { temporaryPathFor } from './temporary.js';

export { hostTag, TEMP_PREFIX, temporaryPathFor } from './temporary.js';
export type { WrittenFile } from './results.js';

/**
 * The real path `folder` has or would have: symbolic links resolved up to its deepest
 * existing ancestor, the rest appended as written.
 */
export async function realFolderPath(folder: string): Promise<string> {
  try {
    return await realpath(folder);
  } catch (error) {
    const parent = path.dirname(folder);
    if (parent === folder || errorCode(error) !== 'ENOENT') return folder;
    return path.join(await realFolderPath(parent), path.basename(folder));
  }
}

/**
 * Where `folder` really leads when that is outside `root` (a symbolic link on the way out
 * of the output folder), else null. `root` must be a real path.
 */
export async function folderLeavingRoot(folder: string, root: string): Promise<string | null> {
  const real = await realFolderPath(folder);
  return relativeInside(real, root) === null ? real : null;
}

/**
 * Writes `source` into the open `handle` as it arrives, hashing on the way: a large answer
 * never sits whole in memory. A write failure comes out as a LocalFault naming `finalPath`.
 */
export async function writeHashed(
  handle: FileHandle,
  source: AsyncIterable<Buffer> | Buffer | string,
  finalPath: string,
): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const chunks = typeof source === 'string' || Buffer.isBuffer(source) ? [Buffer.from(source)] : source;
  for await (const chunk of chunks) {
    hash.update(chunk);
    bytes += chunk.length;
    await writeWhole(handle, chunk).catch((error: unknown) => Promise.reject(writeFault(error, finalPath)));
  }
  await handle.close().catch((error: unknown) => Promise.reject(writeFault(error, finalPath)));
  return { bytes, sha256: hash.digest('hex') };
}

/** The output folder of a batch: every result, sidecar and run log line goes through one. */
export class OutputFolder implements Results {
  readonly local = true;
  readonly list = localFiles.list;
  readonly sizeOf = localFiles.sizeOf;
  readonly read = localFiles.read;

  /** Folders known to exist inside the root (made or checked once, not once per file). */
  private readonly readyFolders = new Set<string>();

  /** `root`: the output folder's real path (symbolic links resolved); `writer`: who writes its temporary files. */
  constructor(
    readonly root: string,
    private readonly writer: TemporaryWriter,
  ) {}

  /**
   * Writes `source` to `finalPath` atomically, hashing on the way (no second read). Chunks
   * are written as they arrive, so a large answer never sits whole in memory. An error from
   * `source` comes out as it is; a file-system failure comes out as a LocalFault.
   */
  async write(finalPath: string, source: AsyncIterable<Buffer> | Buffer | string): Promise<WrittenFile> {
    const temporary = temporaryPathFor(finalPath, this.writer);
    const handle = await this.createTemporary(temporary);
    try {
      const { bytes, sha256 } = await writeHashed(handle, source, finalPath);
      // Looked at right before the rename, even when a batch looked before sending: a link or
      // a FIFO may have been put there while the request was in flight.
      await this.checkReplaceable(finalPath);
      await rename(temporary, finalPath).catch((error: unknown) => Promise.reject(writeFault(error, finalPath)));
      return { path: finalPath, bytes, sha256 };
    } catch (error) {
      await handle.close().catch(() => {});
      await rm(temporary, { force: true }).catch(() => {});
      throw error;
    }
  }

  /** The file itself. */
  removeStale(host: Liveness): Promise<number> {
    return removeStaleTemporaryFiles(this.root, host);
  }

  localCopy(written: WrittenFile): string {
    return written.path;
  }

  /** Nothing to release: the file is the result. */
  async release(): Promise<void> {}

  withLocalCopy<T>(file: string, use: (local: string) => Promise<T>): Promise<T> {
    return use(file);
  }

  /**
   * A rename replaces whatever has the name: a FIFO, a device or a link (`/dev/stdout`) would
   * be replaced by a file. Only a regular file, or nothing, is renamed over.
   */
  private async checkReplaceable(finalPath: string): Promise<void> {
    const inTheWay = await notReplaceable(finalPath);
    if (inTheWay)
      throw new LocalFault(
        `cannot write ${finalPath}: it is ${inTheWay}, not a file; results replace only regular files`,
      );
  }

  /** Opened before any byte arrives, so that on failure the file exists by the time it is removed. */
  private async createTemporary(temporary: string): Promise<FileHandle> {
    const folder = path.dirname(temporary);
    await this.ensureFolder(folder, temporary);
    try {
      return await open(temporary, 'wx');
    } catch (error) {
      // The folder was removed while the batch ran: make it again, once.
      if (errorCode(error) !== 'ENOENT') throw writeFault(error, temporary);
      this.readyFolders.delete(folder);
      await this.ensureFolder(folder, temporary);
      return open(temporary, 'wx').catch((again: unknown) => Promise.reject(writeFault(again, temporary)));
    }
  }

  private async ensureFolder(folder: string, forFile: string): Promise<void> {
    if (this.readyFolders.has(folder)) return;
    // Checked before mkdir, which would otherwise make folders wherever a link leads.
    const leadsTo = await folderLeavingRoot(folder, this.root);
    if (leadsTo !== null) {
      throw new LocalFault(`${folder} leads out of the output folder (to ${leadsTo}): nothing is written through it`);
    }
    await mkdir(folder, { recursive: true }).catch((error: unknown) => Promise.reject(writeFault(error, forFile)));
    this.readyFolders.add(folder);
  }
}

async function writeWhole(handle: FileHandle, chunk: Buffer): Promise<void> {
  for (let offset = 0; offset < chunk.length;) {
    offset += (await handle.write(chunk, offset)).bytesWritten;
  }
}
