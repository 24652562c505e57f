/**
 * Inputs in object storage: a prefix (`s3://bucket/products/`, recursive), a glob over keys
 * (`s3://bucket/shots/**\/*.jpg`: listed from its base, then matched) or one object
 * (`s3://bucket/a/mug.jpg`; a prefix when no such object exists but objects lie under
 * `a/mug.jpg/`, like a folder named without its slash). Listed a page at a time, each page
 * handed on as it arrives, so that work starts before the listing ends. The order is the
 * store's (S3 lists keys in UTF-8 byte order): the same on every rerun.
 *
 * Judging what is listed (hidden, not an image, excluded) is discover.ts's, as for files.
 */
import path from 'node:path';
import { StartUpError, UserError } from '../errors.js';
import { objectUri, parseObjectUri, type ObjectLocation } from '../storage/location.js';
import { StorageFailure, type ObjectStorage } from '../storage/storage.js';

/** What an `s3://` argument or list line names, told by its shape alone (nothing is listed yet). */
export interface ObjectSource {
  kind: 'objects';
  /** As the user wrote it, for messages. */
  uri: string;
  bucket: string;
  /** A key or a prefix ('' or ending in '/'), or a glob's full pattern. */
  key: string;
  /** A glob over keys: the prefix listed (its base) and the test of a whole key. */
  glob?: { prefix: string; matches: (key: string) => boolean };
  /**
   * Named on a line of a list (`--from-file`, `-`): an object that is not there is that
   * input's failure, as a missing file on a list is, not the run's.
   */
  inList?: boolean;
}

/** One object found, with its key below the root it was named by (`relative`, `/`-separated). */
export interface ListedObject {
  uri: string;
  bucket: string;
  key: string;
  size: number;
  etag: string;
  relative: string;
  /** Named by itself (`s3://bucket/a/mug.jpg`): taken as it is, whatever its name, as a named file is. */
  named: boolean;
  /** Named on a list, and no such object (nor any under it as a prefix): it fails when it is sent. */
  missing?: true;
}

export type StorageGetter = () => Promise<ObjectStorage>;

const loadPicomatch = async () => (await import('picomatch')).default;

/**
 * Checks the location (a bad bucket name, a `..` segment) before anything is listed: a
 * StartUpError, said in one line, as every problem with storage inputs is.
 */
export async function objectSource(uri: string): Promise<ObjectSource> {
  let location;
  try {
    location = parseObjectUri(uri);
  } catch (error) {
    throw error instanceof UserError ? new StartUpError(error.message) : error;
  }
  const picomatch = await loadPicomatch();
  const scan = picomatch.scan(location.key);
  if (!scan.isGlob) return { kind: 'objects', uri, ...location };
  const test = picomatch(location.key, { dot: true });
  const prefix = scan.base === '' ? '' : `${scan.base}/`;
  return { kind: 'objects', uri, ...location, glob: { prefix, matches: (key) => test(key) } };
}

/** Sources already judged literal or glob, so that each walk asks the storage once per argument at most. */
const judged = new WeakMap<ObjectSource, Promise<ObjectSource>>();

/**
 * A key that reads as a glob (`sale [2020]/`, `shot(1).jpg`) but names an object or a
 * prefix as it is written is taken as written, as a path that exists is taken before it is
 * read as a pattern: one HEAD and one listing page, only for arguments that read as globs.
 */
export function literalFirst(source: ObjectSource, storage: StorageGetter): Promise<ObjectSource> {
  if (!source.glob) return Promise.resolve(source);
  let literal = judged.get(source);
  if (!literal) judged.set(source, (literal = judgeLiteral(source, storage)));
  return literal;
}

async function judgeLiteral(source: ObjectSource, storage: StorageGetter): Promise<ObjectSource> {
  const { kind, uri, bucket, key, inList } = source;
  const literal: ObjectSource = { kind, uri, bucket, key, ...(inList && { inList }) };
  try {
    const opened = await storage();
    if (!key.endsWith('/') && (await opened.head(bucket, key))) return literal;
    const prefix = key.endsWith('/') ? key : `${key}/`;
    for await (const page of opened.list(bucket, prefix)) return page.objects.length > 0 ? literal : source;
    return source;
  } catch (error) {
    if (error instanceof StorageFailure) throw new StartUpError(error.message);
    throw error;
  }
}

/** The root a source's keys are relative to, as a URI ending in '/' (or the bucket's root). */
export function sourceRoot(source: ObjectSource): string {
  return objectUri({ bucket: source.bucket, key: source.glob?.prefix ?? source.key });
}

/**
 * The objects a source names, page by page. A source naming no object at all is a
 * StartUpError, as is any storage failure (nothing has been sent yet: exit 2 with its line).
 */
export async function* listObjects(source: ObjectSource, storage: StorageGetter): AsyncGenerator<ListedObject> {
  try {
    const opened = await storage();
    const { bucket, key } = source;
    if (source.glob) {
      let found = false;
      for await (const object of listed(opened, { bucket, key: source.glob.prefix })) {
        if (!source.glob.matches(object.key)) continue;
        found = true;
        yield object;
      }
      if (!found)
        throw new StartUpError(`${source.uri}: no objects match this pattern; check it (keys are case-sensitive)`);
      return;
    }
    if (key !== '' && !key.endsWith('/')) {
      const object = await opened.head(bucket, key);
      if (object) {
        yield { ...object, bucket, uri: objectUri({ bucket, key }), relative: path.posix.basename(key), named: true };
        return;
      }
    }
    const prefix = key === '' || key.endsWith('/') ? key : `${key}/`;
    let found = false;
    for await (const object of listed(opened, { bucket, key: prefix })) {
      found = true;
      yield object;
    }
    if (!found && source.inList && prefix !== key) {
      yield {
        bucket,
        key,
        uri: objectUri({ bucket, key }),
        size: 0,
        etag: '',
        relative: path.posix.basename(key),
        named: true,
        missing: true,
      };
      return;
    }
    if (!found) {
      const named =
        prefix === key ? 'no objects under this prefix' : 'no such object, and no objects under it as a prefix';
      throw new StartUpError(
        `${source.uri}: ${named}; check the ${prefix === key ? 'prefix' : 'key'} (keys are case-sensitive)`,
      );
    }
  } catch (error) {
    if (error instanceof StorageFailure) throw new StartUpError(error.message);
    throw error;
  }
}

/**
 * Listings kept from one walk for the next: planning walks the inputs twice (the survey,
 * then the walk that sends), and a listing costs the store a request per thousand keys and
 * the run its wait. A listing that finished is kept up to KEPT_OBJECTS objects (about 200
 * bytes each), so that memory stays bounded whatever the bucket; a larger one is listed
 * again. The second walk then meets the versions the survey judged.
 */
export class KeptListings {
  private readonly kept = new Map<string, readonly ListedObject[]>();

  async *list(source: ObjectSource, storage: StorageGetter): AsyncGenerator<ListedObject> {
    const kept = this.kept.get(source.uri);
    if (kept) {
      yield* kept;
      return;
    }
    let keeping: ListedObject[] | null = [];
    for await (const object of listObjects(source, storage)) {
      if (keeping && keeping.length < KEPT_OBJECTS) keeping.push(object);
      else keeping = null;
      yield object;
    }
    if (keeping) this.kept.set(source.uri, keeping);
  }
}

/** Objects a listing keeps for the next walk, at most (see KeptListings). */
export const KEPT_OBJECTS = 50_000;

/** Every object under `prefix` but folder markers (keys ending in '/', which hold no image). */
async function* listed(storage: ObjectStorage, prefix: ObjectLocation): AsyncGenerator<ListedObject> {
  for await (const page of storage.list(prefix.bucket, prefix.key)) {
    for (const object of page.objects) {
      if (object.key.endsWith('/')) continue;
      yield {
        uri: objectUri({ bucket: prefix.bucket, key: object.key }),
        bucket: prefix.bucket,
        key: object.key,
        size: object.size,
        etag: object.etag,
        relative: object.key.slice(prefix.key.length),
        named: false,
      };
    }
  }
}
