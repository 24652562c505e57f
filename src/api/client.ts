/**
 * The HTTP client, on Node's own (see http.ts): one keep-alive connection pool per origin,
 * sized to the concurrency; uploads streamed from disk; every call authenticated with `x-api-key`.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Field } from '../params/encode.js';
import { ACCOUNT_PATH, ENDPOINT_PATH } from '../params/endpoints.js';
import { toQueryString } from '../params/encode.js';
import { LocalFault } from '../errors.js';
import { Redactor } from '../secrets.js';
import { VERSION } from '../version.js';
import { discard } from './body.js';
import { apiErrorFromFailure, apiErrorFromResponse, ApiError } from './errors.js';
import { closeAgents, httpRequest, keepAliveAgents } from './http.js';
import { encodeMultipart, type MultipartBody, type Part } from './multipart.js';

export const DEFAULT_EDIT_ORIGIN = 'https://image-api.photoroom.com';
export const DEFAULT_SEGMENT_ORIGIN = 'https://sdk.photoroom.com';

export interface ClientOptions {
  apiKey: string;
  /** One origin for every endpoint (e.g. an emulator). */
  baseUrl?: string;
  /** Origin for /v1/segment alone; wins over baseUrl. */
  segmentUrl?: string;
  /** Connections per origin: the batch's concurrency. */
  connections: number;
  timeoutMs: number;
  /** Extra request headers (model version selectors). */
  headers?: Readonly<Record<string, string>>;
  /** The runtime named in the user agent after the CLI's version (Host.runtime: `node/20.11.0`). */
  runtime?: string;
  /** The run's redactor, which the key joins (a command's, io.redactor); a new one by default. */
  redactor?: Redactor;
}

export interface ApiResponse {
  status: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
  body: Readable;
}

export interface AccountInfo {
  plan: string;
  images: { available: number; subscription: number };
}

/** How big an error body we read to find its message. */
const ERROR_BODY_LIMIT = 64 * 1024;

export interface Endpoints {
  edit: string;
  segment: string;
  account: string;
}

export function endpointUrls(options: Pick<ClientOptions, 'baseUrl' | 'segmentUrl'>): Endpoints {
  const editOrigin = options.baseUrl ?? DEFAULT_EDIT_ORIGIN;
  const segmentOrigin = options.segmentUrl ?? options.baseUrl ?? DEFAULT_SEGMENT_ORIGIN;
  return {
    edit: `${editOrigin}${ENDPOINT_PATH.edit}`,
    segment: `${segmentOrigin}${ENDPOINT_PATH.segment}`,
    account: `${editOrigin}${ACCOUNT_PATH}`,
  };
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** A failure of the request body that is this machine's (an input changed or unreadable), if it is one. */
function localFaultIn(error: unknown): LocalFault | null {
  if (error instanceof LocalFault) return error;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof LocalFault ? cause : null;
}

/** The body's first `limit` bytes as text; the rest is never read (an endless body ends here). */
async function readLimited(body: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    chunks.push(buffer.subarray(0, limit - size));
    size += buffer.length;
    if (size >= limit) break;
  }
  discard(body);
  return Buffer.concat(chunks).toString('utf8');
}

/** A file to upload: streamed from `path` (or `open`) unless its `content` is already in memory. */
export interface Upload {
  /** The file, or what names the bytes `open` streams (an `s3://` URI), for messages. */
  path: string;
  /** Streams the bytes from elsewhere than a file, afresh for each attempt (an object in storage). */
  open?: () => AsyncIterable<Buffer>;
  /** The name it is uploaded under, when not the file's own (a converted copy). */
  filename?: string;
  size: number;
  content?: Buffer;
  /** Sees the file's bytes as they are sent (to hash them without a second read). */
  onChunk?: (chunk: Buffer) => void;
  /**
   * Told once the streamed bytes are all sent, before the request ends: a LocalFault it
   * throws abandons the request, whose end the server then never receives.
   */
  beforeEnd?: () => void;
}

/** The API, as the batch engine and the commands use it (tests pass fakes). */
export interface Client {
  readonly urls: Endpoints;
  /** The extra headers every request carries (model versions), as `--dry-run` shows them. */
  readonly headers: Readonly<Record<string, string>>;
  /** Masks the key this client sends: what the run stores (run log, sidecars) goes through it. */
  readonly redactor: Redactor;
  /** POST /v2/edit: the local file as `imageFile`, parameters as form fields. */
  editUpload(image: Upload, fields: readonly Field[]): Promise<ApiResponse>;
  /** GET /v2/edit: the image by URL, parameters in the query string. */
  editUrl(imageUrl: string, fields: readonly Field[]): Promise<ApiResponse>;
  /** POST /v1/segment: the local file as `image_file`. */
  segment(image: Upload, fields: readonly Field[]): Promise<ApiResponse>;
  account(): Promise<AccountInfo>;
  close(): Promise<void>;
}

export function createClient(options: ClientOptions): Client {
  // Whoever holds the key registers it, so a library user's run log and sidecars mask it too.
  const redactor = options.redactor ?? new Redactor();
  redactor.register(options.apiKey);
  const urls = endpointUrls(options);
  const agents = keepAliveAgents(options.connections);
  /**
   * Sizes of files named by parameters (background.imageFile, ...): the same files go with
   * every request of a batch, so each is measured once, not once per image.
   */
  const fileSizes = new Map<string, Promise<number>>();
  const sizeOf = (file: string) => {
    let size = fileSizes.get(file);
    if (!size) fileSizes.set(file, (size = stat(file).then((info) => info.size)));
    return size;
  };

  async function multipart(imageField: string, image: Upload, fields: readonly Field[]): Promise<MultipartBody> {
    const parts: Part[] = [{ name: imageField, ...image, filename: image.filename ?? path.basename(image.path) }];
    for (const [name, value] of fields) {
      if (typeof value === 'string') parts.push({ name, value });
      else parts.push({ name, filename: path.basename(value.file), path: value.file, size: await sizeOf(value.file) });
    }
    return encodeMultipart(parts);
  }

  const baseHeaders = {
    'x-api-key': options.apiKey,
    'user-agent': [`photoroom-cli/${VERSION}`, options.runtime].filter(Boolean).join(' '),
    ...options.headers,
  };

  async function send(
    url: string,
    method: 'GET' | 'POST',
    body?: MultipartBody,
    // JSON is taken (segment's {base64img}, error bodies) but image bytes are preferred: smaller.
    accept = 'image/*, application/json;q=0.5',
  ): Promise<ApiResponse> {
    let response;
    try {
      const bodyHeaders = body && { 'content-type': body.contentType, 'content-length': String(body.length) };
      response = await httpRequest(url, {
        method,
        body: body?.body,
        headers: { ...baseHeaders, ...bodyHeaders, accept },
        agents,
        idleTimeoutMs: options.timeoutMs,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      const failure = localFaultIn(error) ?? apiErrorFromFailure(error);
      // The upload's source (an object in storage) stopped giving bytes: the input's fault, which a retry would meet again.
      // Its result line names the input: the message does not again.
      const stalled = failure instanceof ApiError && failure.kind === 'timeout' ? body?.awaitedSource() : null;
      if (stalled)
        throw new LocalFault(
          `the storage sent no more of its bytes within --timeout (${options.timeoutMs / 1000} s); not retried (rerun to try it again)`,
        );
      throw failure;
    }
    // Headers and error bodies are read as they came, the key in them too if a server echoes
    // it: it is masked where output leaves the program (secrets.ts), never before parsing.
    const headers = flattenHeaders(response.headers);
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300) {
      return { status, headers, body: response };
    }
    const text = await readLimited(response, ERROR_BODY_LIMIT).catch(() => '');
    throw apiErrorFromResponse(status, text, headers['retry-after']);
  }

  return {
    urls,
    headers: { ...options.headers },
    redactor,

    async editUpload(image: Upload, fields: readonly Field[]): Promise<ApiResponse> {
      return send(urls.edit, 'POST', await multipart('imageFile', image, fields));
    },

    editUrl(imageUrl: string, fields: readonly Field[]): Promise<ApiResponse> {
      return send(`${urls.edit}?${toQueryString(imageUrl, fields)}`, 'GET');
    },

    async segment(image: Upload, fields: readonly Field[]): Promise<ApiResponse> {
      return send(urls.segment, 'POST', await multipart('image_file', image, fields));
    },

    async account(): Promise<AccountInfo> {
      const response = await send(urls.account, 'GET', undefined, 'application/json');
      const text = await readLimited(response.body, ERROR_BODY_LIMIT);
      try {
        const info = JSON.parse(text) as AccountInfo;
        if (typeof info.images?.available !== 'number') throw new Error('no images.available');
        return info;
      } catch {
        throw new ApiError({
          status: response.status,
          kind: 'http',
          message: 'the account answer was not the expected JSON',
        });
      }
    },

    close(): Promise<void> {
      closeAgents(agents);
      return Promise.resolve();
    },
  };
}
