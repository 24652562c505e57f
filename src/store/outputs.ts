/**
 * Writing results so that a final name only ever holds a whole file: bytes go to a
 * temporary file in the same folder (same file system, so the rename is atomic), then the
 * temporary file is renamed over the final name.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Temporary files start with this, so stale ones from a crash can be recognised. */
export const TEMP_PREFIX = '.photoroom-tmp-';

export interface WrittenFile {
  path: string;
  bytes: number;
  sha256: string;
}

export function temporaryPathFor(finalPath: string): string {
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  return path.join(path.dirname(finalPath), `${TEMP_PREFIX}${path.basename(finalPath)}.${suffix}`);
}

/**
 * Streams `source` to `finalPath` atomically, hashing on the way (no second read).
 * `verify` may throw to refuse the bytes before they take the final name.
 */
export async function writeAtomically(
  finalPath: string,
  source: Readable | Buffer | string,
  verify?: (written: WrittenFile) => void,
): Promise<WrittenFile> {
  await mkdir(path.dirname(finalPath), { recursive: true });
  const temporary = temporaryPathFor(finalPath);
  const hash = createHash('sha256');
  let bytes = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const input = typeof source === 'string' || Buffer.isBuffer(source) ? [Buffer.from(source)] : source;
  // Opened before streaming, so that on failure the file exists by the time it is removed
  // (a stream opening lazily could create it after the cleanup).
  const handle = await open(temporary, 'wx');
  try {
    await pipeline(input, measure, handle.createWriteStream());
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
