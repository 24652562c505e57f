/**
 * Where a batch's results go, as the engine uses it: a folder on this machine
 * (outputs.ts's OutputFolder) or a prefix in object storage (bucket.ts's BucketResults).
 * The sender writes through it, resume lists and reads through it; what only a local folder
 * has (symbolic links, FIFOs, stale temporary files) is asked only when `local` says so.
 */
import { readdir, stat } from 'node:fs/promises';
import { readRegularFile } from '../regular-file.js';
import type { Liveness } from './cleanup.js';

export interface WrittenFile {
  path: string;
  bytes: number;
  sha256: string;
  /** A bucket output's copy in the run's temporary folder, kept until its checks and sidecar are done. */
  staged?: string;
}

/** What resume asks of the place that holds outputs and sidecars. */
export interface ResultReader {
  /** The names in `folder`, each with its size when the listing gives it (a bucket's does, readdir does not). */
  list(this: void, folder: string): Promise<ReadonlyMap<string, number | undefined>>;
  /** The size of the file at `file`, or null when there is no regular file there. */
  sizeOf(this: void, file: string): Promise<number | null>;
  /** A small file's bytes (a sidecar), or null when there is none or it is not a regular file. */
  read(this: void, file: string): Promise<Buffer | null>;
}

export interface Results extends ResultReader {
  /** The output folder's real path, or `s3://bucket/prefix`. */
  readonly root: string;
  /** On this machine's file system: links, FIFOs and stale temporary files are checked only then. */
  readonly local: boolean;
  /** Writes `source` at `final`, whole or not at all, hashing on the way. */
  write(final: string, source: AsyncIterable<Buffer> | Buffer | string): Promise<WrittenFile>;
  /** A file on this machine holding `written`'s bytes, until release(): what `--preset` measures. */
  localCopy(written: WrittenFile): string;
  /** `written`'s local copy is no longer needed (a bucket's staged file is removed). */
  release(written: WrittenFile): Promise<void>;
  /**
   * Removes the temporary files a killed run left where this one writes (its output folder,
   * or a bucket's staging folder); returns how many.
   */
  removeStale(host: Liveness): Promise<number>;
  /** Runs `use` on a file on this machine holding the bytes at `file` (fetched first when it is not local). */
  withLocalCopy<T>(file: string, use: (local: string) => Promise<T>): Promise<T>;
}

/** The local file system, as resume reads it. */
export const localFiles: ResultReader = {
  list: (folder) =>
    readdir(folder).then(
      (entries) => new Map(entries.map((name) => [name, undefined])),
      () => new Map(),
    ),
  sizeOf: (file) =>
    stat(file).then(
      (info) => (info.isFile() ? info.size : null),
      () => null,
    ),
  // Never blocks on a FIFO named like a sidecar: only a regular file is read.
  read: (file) => readRegularFile(file).catch(() => null),
};
