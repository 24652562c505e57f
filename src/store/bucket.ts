/**
 * Results in object storage (`-o s3://bucket/prefix`): an output streams into a staged file
 * in the run's temporary folder (hashed on the way, as a local write is), then is uploaded
 * (one PUT, or parts past 16 MB: storage.ts), so that an object only ever appears whole. The
 * staged file stays until the output's checks and sidecar are done (release). Sidecars are
 * small: one PUT each. Resume lists a "folder" at a time and reads sidecars only.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { constants } from 'node:fs';
import { access, mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { LocalFault, UserError } from '../errors.js';
import type { Host } from '../host.js';
import { parseObjectUri, type ObjectLocation } from '../storage/location.js';
import type { ObjectStorage, StorageFailure } from '../storage/storage.js';
import { removeStaleTemporaryFiles, type Liveness } from './cleanup.js';
import { temporaryPathFor, writeHashed } from './outputs.js';
import type { Results, WrittenFile } from './results.js';

/** The folder of the run's temporary folder where outputs are staged before their upload. */
export const STAGING_FOLDER = 'photoroom-staged';

/** A sidecar larger than this is not ours: it is never downloaded. */
const MAX_SIDECAR_BYTES = 4 * 1024 * 1024;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.json': 'application/json',
};

/**
 * Failures that every later upload would meet too (no permission, no bucket, no valid
 * credentials), and a store that still fails on its side or does not answer once the
 * upload's own tries are spent: they stop the run as a full disk does, since every further
 * result would be paid for and lost (a rerun resumes).
 */
const STOPS_RUN = new Set([
  'denied',
  'no-bucket',
  'credentials',
  'no-credentials',
  'region',
  'unavailable',
  'unreachable',
]);

/** An upload's failure as the sender treats a failed disk write: the input fails, with the storage's line. */
export function uploadFault(failure: StorageFailure): LocalFault {
  return new LocalFault(`cannot write ${failure.message}`, { stopsRun: STOPS_RUN.has(failure.problem.kind) });
}

export class BucketResults implements Results {
  readonly local = false;
  private readonly location: ObjectLocation;

  /** `root`: `s3://bucket/prefix` (no trailing slash); `host`: where staged files go and who writes them. */
  constructor(
    readonly root: string,
    private readonly storage: () => Promise<ObjectStorage>,
    private readonly host: Pick<Host, 'tmpdir' | 'hostname' | 'pid'>,
  ) {
    this.location = parseObjectUri(root);
    this.staging = path.join(host.tmpdir, STAGING_FOLDER);
  }

  /**
   * Staged files live in one folder of the temporary folder, named by their writer (host and
   * pid, as temporary files in output folders are): what a killed run left there is found
   * and removed by the next, as stale temporary files in an output folder are.
   */
  private staging: string;

  async removeStale(host: Liveness): Promise<number> {
    try {
      await mkdir(this.staging, { recursive: true, mode: 0o700 });
      await access(this.staging, constants.W_OK);
    } catch {
      // Made by another user on a shared machine: stage in the temporary folder itself.
      this.staging = this.host.tmpdir;
      return 0;
    }
    return removeStaleTemporaryFiles(this.staging, host);
  }

  private stagedPathFor(file: string): string {
    return temporaryPathFor(path.join(this.staging, path.basename(file)), this.host);
  }

  /** The bucket and key of a file named `${root}/...` (as OutputNamer and StateLayout name them). */
  private keyOf(file: string): string {
    const prefix = this.location.key;
    if (!file.startsWith(`${this.root}/`)) throw new Error(`${file} is not inside ${this.root}`);
    const rest = file.slice(this.root.length + 1);
    return prefix === '' ? rest : `${prefix}/${rest}`;
  }

  async write(final: string, source: AsyncIterable<Buffer> | Buffer | string): Promise<WrittenFile> {
    const storage = await this.storage();
    const key = this.keyOf(final);
    const contentType = CONTENT_TYPES[path.extname(final).toLowerCase()];
    if (typeof source === 'string' || Buffer.isBuffer(source)) {
      const bytes = Buffer.from(source);
      await storage.put(this.location.bucket, key, bytes, contentType).catch((error: unknown) => {
        throw uploadFault(storage.failure(error, final, 'write'));
      });
      return { path: final, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    }
    const staged = this.stagedPathFor(final);
    try {
      const handle = await open(staged, 'wx');
      const { bytes, sha256 } = await writeHashed(handle, source, staged).finally(() => handle.close().catch(() => {}));
      await storage
        .upload(this.location.bucket, key, (range) => createReadStream(staged, range), bytes, contentType)
        .catch((error: unknown) => Promise.reject(uploadFault(storage.failure(error, final, 'write'))));
      return { path: final, bytes, sha256, staged };
    } catch (error) {
      await rm(staged, { force: true });
      throw error;
    }
  }

  localCopy(written: WrittenFile): string {
    if (written.staged === undefined) throw new Error(`${written.path} has no local copy`);
    return written.staged;
  }

  async release(written: WrittenFile): Promise<void> {
    if (written.staged !== undefined) await rm(written.staged, { force: true });
  }

  async withLocalCopy<T>(file: string, use: (local: string) => Promise<T>): Promise<T> {
    const storage = await this.storage();
    const staged = this.stagedPathFor(file);
    try {
      const object = await storage.read(this.location.bucket, this.keyOf(file));
      await pipeline(object.body, createWriteStream(staged, { flags: 'wx' }));
      return await use(staged);
    } finally {
      await rm(staged, { force: true });
    }
  }

  /**
   * One "folder" below the prefix, listed with the delimiter '/': only the folders the
   * inputs' outputs go to are listed, never the subfolders below them (nor photoroom-runs/).
   * A failure here comes before anything is sent: exit 2, with the storage's line.
   */
  readonly list = async (folder: string): Promise<ReadonlyMap<string, number | undefined>> => {
    const storage = await this.storage();
    const prefix = this.keyOf(`${folder}/`);
    const names = new Map<string, number | undefined>();
    try {
      for await (const page of storage.list(this.location.bucket, prefix, { delimiter: '/' }))
        for (const object of page.objects) names.set(object.key.slice(prefix.length), object.size);
    } catch (error) {
      throw new UserError(storage.failure(error, `${folder}/`, 'list').message);
    }
    return names;
  };

  readonly sizeOf = async (file: string): Promise<number | null> => {
    const storage = await this.storage();
    try {
      return (await storage.head(this.location.bucket, this.keyOf(file)))?.size ?? null;
    } catch (error) {
      throw new UserError(storage.failure(error, file, 'read').message);
    }
  };

  readonly read = async (file: string): Promise<Buffer | null> => {
    const storage = await this.storage();
    let object;
    try {
      object = await storage.read(this.location.bucket, this.keyOf(file));
    } catch (error) {
      const failure = storage.failure(error, file, 'read');
      if (failure.problem.kind === 'no-object') return null;
      throw new UserError(failure.message);
    }
    if (object.size > MAX_SIDECAR_BYTES) {
      object.body.destroy();
      return null;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of object.body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
}
