/**
 * An object input's bytes, read from storage as the version that was listed: its head for
 * the input checks (a ranged read), its whole content as a stream for the upload (read
 * again on each attempt), or a download to a temporary file when it must be converted.
 * A version other than the listed one fails ("it changed since it was listed").
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LocalFault } from '../errors.js';
import { objectUri } from '../storage/location.js';
import type { ObjectStorage } from '../storage/storage.js';

/** An object as it was listed. */
export interface ObjectVersion {
  bucket: string;
  key: string;
  size: number;
  etag: string;
}

/**
 * The first `length` bytes (length > 0), in one ranged read. An answer cut short is a
 * StorageFailure, as a refused read is. A store that ignores the range answers the whole
 * object: it is read no further than `length`, so that no large image is held in memory.
 */
export async function objectHead(storage: ObjectStorage, object: ObjectVersion, length: number): Promise<Uint8Array> {
  const read = await storage.read(object.bucket, object.key, { range: [0, length - 1], etag: object.etag });
  // An answer of the range's length is read to its end: one left unfinished closes its
  // connection, and opening one per object cost a batch of small images more than the reads.
  const answered = read.size > 0 && read.size <= length;
  const chunks: Buffer[] = [];
  let received = 0;
  try {
    for await (const chunk of read.body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      received += chunk.length;
      if (received >= length && !answered) break;
    }
  } catch (error) {
    throw storage.failure(error, objectUri(object), 'read');
  }
  return Buffer.concat(chunks).subarray(0, length);
}

/**
 * The object's bytes as they stream from storage; a failure is this input's (a LocalFault
 * with the storage's one line, without the object's name: the result line names the
 * input), never the API's to retry.
 */
export async function* objectChunks(storage: ObjectStorage, object: ObjectVersion): AsyncGenerator<Buffer> {
  try {
    const read = await storage.read(object.bucket, object.key, { etag: object.etag });
    yield* read.body as AsyncIterable<Buffer>;
  } catch (error) {
    if (error instanceof LocalFault) throw error;
    throw new LocalFault(storage.failure(error, objectUri(object), 'read').problem.text);
  }
}

/**
 * The object downloaded into a folder of its own under `tmpdir`, under its own name (a
 * converted copy is named after it), with the SHA-256 of its bytes. `remove` deletes it.
 */
export async function downloadObject(
  storage: ObjectStorage,
  object: ObjectVersion,
  tmpdir: string,
): Promise<{ path: string; sha256: string; remove: () => Promise<void> }> {
  const folder = await mkdtemp(path.join(tmpdir, 'photoroom-object-'));
  const remove = () => rm(folder, { recursive: true, force: true });
  const file = path.join(folder, path.posix.basename(object.key));
  const hash = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(objectChunks(storage, object), hashing, createWriteStream(file));
  } catch (error) {
    await remove();
    throw error;
  }
  return { path: file, sha256: hash.digest('hex'), remove };
}
