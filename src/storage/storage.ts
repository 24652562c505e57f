/**
 * Object storage (S3 and the S3-compatible stores) as a run uses it: paged listings,
 * ranged and whole reads as streams, and writes that appear whole or not at all. The AWS
 * SDK is loaded only by a run that names an `s3://` location, so start-up stays fast.
 *
 * Credentials and endpoints are found the AWS way, from the environment the run was given
 * (never the process's own below cli/): static keys, else the SDK's default chain (shared
 * config and profiles, web identity for Kubernetes service accounts, instance roles).
 */
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { backoffDelay, type JitterCeiling } from '../backoff.js';
import type { Redactor } from '../secrets.js';
import { objectUri } from './location.js';
import { isPassing, storageProblem, type StorageProblem, type StorageTarget } from './problems.js';
import { SignedRequests } from './signed-requests.js';

export interface StorageConfig {
  /** The run's environment: AWS_* variables are read from here. */
  env: Readonly<Record<string, string | undefined>>;
  /** Every credential found is registered here, so that no output can show it. */
  redactor: Redactor;
  /**
   * A request whose connection stays silent this long fails (each of the SDK's attempts):
   * the CLI gives its --timeout, so that a store that hangs cannot hold a run.
   */
  idleTimeoutMs?: number;
}

const DEFAULT_IDLE_TIMEOUT_MS = 120_000;

/** One object as a listing or a HEAD describes it. */
export interface StoredObject {
  key: string;
  size: number;
  /** As the store gives it, quotes removed: what identifies this version of the object. */
  etag: string;
}

/** A listing page: the objects, and with a delimiter the "folders" below the prefix. */
export interface ListedPage {
  objects: StoredObject[];
  prefixes: string[];
}

/** An object's bytes, streaming. */
export interface ObjectRead {
  body: Readable;
  size: number;
  etag: string;
}

/** Objects past this size are uploaded in parts (S3 takes a single PUT of up to 5 GB). */
export const MULTIPART_BYTES = 16 * 1024 * 1024;

/** Bytes `start` to `end` of a source, both included (as createReadStream takes them). */
export interface ByteRange {
  start: number;
  end: number;
}
const PART_BYTES = 8 * 1024 * 1024;
/**
 * Waits before a request is tried again (backoff.ts): up to 250 ms first, doubling, and never
 * above the AWS SDKs' own cap of 20 s however many attempts AWS_MAX_ATTEMPTS allows.
 */
export const STORAGE_BACKOFF: JitterCeiling = { baseMs: 250, maxMs: 20_000 };

/** A storage failure with its one-line wording (see problems.ts). */
export class StorageFailure extends Error {
  constructor(
    readonly problem: StorageProblem,
    readonly location: string,
    options?: { cause?: unknown },
  ) {
    super(`${location}: ${problem.text}`, options);
    this.name = 'StorageFailure';
  }
}

/** An object as a listing entry or a HEAD gives it, its ETag without the quotes. */
function storedObject(key: string, size: number | undefined, etag: string | undefined): StoredObject {
  return { key, size: size ?? 0, etag: stripQuotes(etag) };
}

const stripQuotes = (etag: string | undefined) => (etag ?? '').replace(/^W\//, '').replace(/^"|"$/g, '');

/** A read of another version than the one listed (If-Match refused it, or the store ignored If-Match). */
function changedSinceListed(location: string): StorageFailure {
  return new StorageFailure({ kind: 'other', text: 'it changed since it was listed' }, location);
}

/**
 * The SDK's own messages go nowhere: left to it, some reach the process's console past the
 * CLI's reporters and redaction ("An error was encountered in a non-retryable streaming
 * request." on a refused upload). What matters of a failure is in the error it throws.
 */
const SILENT: NonNullable<S3ClientConfig['logger']> = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Custom endpoints (MinIO, R2, Ceph, a local server) are addressed by path: most take nothing else. */
function endpointOf(env: StorageConfig['env']): string | undefined {
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  return endpoint === undefined || endpoint === '' ? undefined : endpoint;
}

export class ObjectStorage {
  private constructor(
    private readonly client: S3Client,
    private readonly sdk: typeof import('@aws-sdk/client-s3'),
    /** Where requests go, for messages. */
    readonly target: StorageTarget,
    /** Object reads and single-request writes, outside the SDK's command stack (see signed-requests.ts). */
    private readonly signed: SignedRequests,
  ) {}

  static async open(config: StorageConfig): Promise<ObjectStorage> {
    const { env, redactor } = config;
    const sdk = await import('@aws-sdk/client-s3');
    const endpoint = endpointOf(env);
    // A custom endpoint takes any region name; AWS needs the bucket's own (the profile's, if none is set here).
    const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? (endpoint ? 'us-east-1' : undefined);
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    const staticCredentials =
      accessKeyId && secretAccessKey
        ? { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN && { sessionToken: env.AWS_SESSION_TOKEN }) }
        : undefined;
    const maxAttempts = Number(env.AWS_MAX_ATTEMPTS);
    const idleTimeoutMs = config.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    const client = new sdk.S3Client({
      ...(region && { region }),
      ...(Number.isInteger(maxAttempts) && maxAttempts > 0 && { maxAttempts }),
      ...(endpoint && { endpoint, forcePathStyle: true }),
      ...(staticCredentials ? { credentials: staticCredentials } : env.AWS_PROFILE ? { profile: env.AWS_PROFILE } : {}),
      // Checksums only where the operation requires them: several S3-compatible stores refuse the CRC32 headers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      logger: SILENT,
      // An endpoint that never answers must not hold a run forever.
      requestHandler: {
        connectionTimeout: 10_000,
        socketTimeout: idleTimeoutMs,
        logger: SILENT,
        httpAgent: { keepAlive: true, maxSockets: 64 },
        httpsAgent: { keepAlive: true, maxSockets: 64 },
      },
    });
    // The SDK's messages may quote an access key id; none of these may reach any output.
    for (const secret of [accessKeyId, secretAccessKey, env.AWS_SESSION_TOKEN]) if (secret) redactor.register(secret);
    const signed = new SignedRequests(client.config, endpoint, idleTimeoutMs);
    const storage = new ObjectStorage(client, sdk, { endpoint, region }, signed);
    if (!staticCredentials) await storage.registerChainCredentials(redactor);
    return storage;
  }

  /** Credentials found by the default chain are masked too; none found is said when a request needs them. */
  private async registerChainCredentials(redactor: Redactor): Promise<void> {
    try {
      const credentials = await this.client.config.credentials();
      for (const secret of [credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken])
        if (secret) redactor.register(secret);
    } catch {
      // No credentials: the first request fails with the problem's own wording.
    }
  }

  /** A failure as one line naming `location`. */
  failure(error: unknown, location: string, access: 'list' | 'read' | 'write'): StorageFailure {
    if (error instanceof StorageFailure) return error;
    return new StorageFailure(storageProblem(error, this.target, access), location, { cause: error });
  }

  /** Every object under `prefix`, a page at a time (work can start before the listing ends). */
  async *list(bucket: string, prefix: string, options: { delimiter?: string } = {}): AsyncGenerator<ListedPage> {
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new this.sdk.ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            ...(options.delimiter && { Delimiter: options.delimiter }),
            ...(token && { ContinuationToken: token }),
          }),
        );
      } catch (error) {
        throw this.failure(error, objectUri({ bucket, key: prefix }), 'list');
      }
      yield {
        objects: (page.Contents ?? []).flatMap((entry) =>
          entry.Key === undefined ? [] : [storedObject(entry.Key, entry.Size, entry.ETag)],
        ),
        prefixes: (page.CommonPrefixes ?? []).flatMap((entry) => (entry.Prefix === undefined ? [] : [entry.Prefix])),
      };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** The object at `key`, or null when there is none. */
  async head(bucket: string, key: string): Promise<StoredObject | null> {
    try {
      const answer = await this.client.send(new this.sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
      return storedObject(key, answer.ContentLength, answer.ETag);
    } catch (error) {
      const failure = this.failure(error, objectUri({ bucket, key }), 'read');
      if (failure.problem.kind === 'no-object') return null;
      throw failure;
    }
  }

  /**
   * The object's bytes as a stream: `range` is inclusive ([0, 4099] is the first 4,100);
   * `etag`: the version listed, and a read of any other version fails (the object was
   * replaced since): sent as If-Match, and checked on the answer for stores that ignore it.
   */
  async read(
    bucket: string,
    key: string,
    options: { range?: [number, number]; etag?: string } = {},
  ): Promise<ObjectRead> {
    const location = objectUri({ bucket, key });
    let answer: { body: Readable; size: number; etag: string };
    try {
      answer = await this.withRetries(() => this.get(bucket, key, options));
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 412) throw changedSinceListed(location);
      throw this.failure(error, location, 'read');
    }
    if (options.etag !== undefined && answer.etag !== options.etag) {
      answer.body.destroy();
      throw changedSinceListed(location);
    }
    return answer;
  }

  /** One GET: signed on our own transport where the bucket's endpoint allows, else through the SDK. */
  private async get(
    bucket: string,
    key: string,
    options: { range?: [number, number]; etag?: string },
  ): Promise<ObjectRead> {
    const range = options.range && `bytes=${options.range[0]}-${options.range[1]}`;
    const ifMatch = options.etag && `"${options.etag}"`;
    if (await this.signed.serves(bucket)) {
      const body = await this.signed.get(bucket, key, {
        ...(range && { range }),
        ...(ifMatch && { 'if-match': ifMatch }),
      });
      const etag = body.headers.etag;
      return { body, size: Number(body.headers['content-length'] ?? 0), etag: stripQuotes(etag) };
    }
    const answer = await this.client.send(
      new this.sdk.GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ...(range && { Range: range }),
        ...(ifMatch && { IfMatch: ifMatch }),
      }),
    );
    return { body: answer.Body as Readable, size: answer.ContentLength ?? 0, etag: stripQuotes(answer.ETag) };
  }

  /** A small object (a sidecar, a run log), written in one request: it appears whole or not at all. */
  async put(bucket: string, key: string, body: Buffer | string, contentType?: string): Promise<void> {
    const bytes = Buffer.from(body);
    try {
      await this.withRetries(() => this.putOne(bucket, key, bytes, bytes.length, contentType));
    } catch (error) {
      throw this.failure(error, objectUri({ bucket, key }), 'write');
    }
  }

  /** One PUT: signed on our own transport where the bucket's endpoint allows, else through the SDK. */
  private async putOne(
    bucket: string,
    key: string,
    body: Buffer | Readable,
    size: number,
    contentType: string | undefined,
  ): Promise<void> {
    if (await this.signed.serves(bucket)) {
      const headers = { 'content-length': String(size), ...(contentType && { 'content-type': contentType }) };
      return this.signed.put(bucket, key, headers, body);
    }
    await this.client.send(
      new this.sdk.PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        // Said, so that the SDK never takes an empty body for a stream of unknown length (and warns on the terminal).
        ContentLength: size,
        ...(contentType && { ContentType: contentType }),
      }),
    );
  }

  /**
   * A stream of known length: one PUT up to MULTIPART_BYTES, parts of PART_BYTES beyond, each
   * streamed from its own range of the source (`body(range)`), so that memory holds no part:
   * the SDK's own multipart uploader (lib-storage) buffers every part it sends, 8 MB times
   * its queue times the uploads in flight, which took a run of 16 large outputs past 500 MB.
   * Either way the object appears only once all of it is stored; a failed multipart upload
   * is aborted, its parts deleted.
   */
  async upload(
    bucket: string,
    key: string,
    body: (range?: ByteRange) => Readable,
    size: number,
    contentType?: string,
  ): Promise<void> {
    const params = { Bucket: bucket, Key: key, ...(contentType && { ContentType: contentType }) };
    try {
      if (size <= MULTIPART_BYTES)
        await this.sendStreamed(body, (stream) => this.putOne(bucket, key, stream, size, contentType));
      else await this.uploadInParts(params, body, size);
    } catch (error) {
      throw this.failure(error, objectUri({ bucket, key }), 'write');
    }
  }

  private async uploadInParts(
    params: { Bucket: string; Key: string; ContentType?: string },
    body: (range?: ByteRange) => Readable,
    size: number,
  ): Promise<void> {
    const { UploadId } = await this.client.send(new this.sdk.CreateMultipartUploadCommand(params));
    const upload = { Bucket: params.Bucket, Key: params.Key, UploadId };
    try {
      const parts: { ETag?: string; PartNumber: number }[] = [];
      for (let start = 0, PartNumber = 1; start < size; start += PART_BYTES, PartNumber++) {
        const range = { start, end: Math.min(size, start + PART_BYTES) - 1 };
        const { ETag } = await this.sendStreamed(
          () => body(range),
          (stream) =>
            this.client.send(
              new this.sdk.UploadPartCommand({
                ...upload,
                PartNumber,
                Body: stream,
                ContentLength: range.end - range.start + 1,
              }),
            ),
        );
        parts.push({ ETag, PartNumber });
      }
      await this.client.send(
        new this.sdk.CompleteMultipartUploadCommand({ ...upload, MultipartUpload: { Parts: parts } }),
      );
    } catch (error) {
      await this.client.send(new this.sdk.AbortMultipartUploadCommand(upload)).catch(() => {});
      throw error;
    }
  }

  /**
   * One request whose body streams. The SDK tries no such request again (it cannot rewind a
   * stream), so a passing refusal is tried again here, the body opened anew.
   */
  private sendStreamed<Output>(body: () => Readable, send: (stream: Readable) => Promise<Output>): Promise<Output> {
    return this.withRetries(async () => {
      const stream = body();
      try {
        return await send(stream);
      } finally {
        stream.destroy();
      }
    });
  }

  /**
   * A request tried again on a passing refusal (503 SlowDown, a 500, a dropped connection),
   * as many times in all as the SDK would (AWS_MAX_ATTEMPTS), waits doubling with full jitter.
   */
  private async withRetries<Output>(attempt: () => Promise<Output>): Promise<Output> {
    const attempts = await this.client.config.maxAttempts();
    for (let tried = 1; ; tried++) {
      try {
        return await attempt();
      } catch (error) {
        if (tried >= attempts || !isPassing(error)) throw error;
      }
      await sleep(backoffDelay(tried, Math.random, STORAGE_BACKOFF));
    }
  }

  async delete(bucket: string, key: string): Promise<void> {
    try {
      await this.client.send(new this.sdk.DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      throw this.failure(error, objectUri({ bucket, key }), 'write');
    }
  }

  close(): void {
    this.signed.close();
    this.client.destroy();
  }
}
