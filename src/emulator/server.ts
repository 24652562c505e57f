/**
 * `photoroom emulator`: a local server speaking the Photoroom API's HTTP contract (the four
 * endpoints, auth, error shapes), rendering real images, with seeded fault injection.
 */
import { createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpRequest } from '../api/http.js';
import { ENDPOINT_LIMITS } from '../inputs/formats.js';
import { commonImageType, MIME_TYPE } from '../inputs/signature.js';
import { ACCOUNT_PATH, ENDPOINT_PATH } from '../params/endpoints.js';
import type { ParamSet } from '../params/paramset.js';
import type { Endpoint, Method } from '../params/types.js';
import { prefersJson } from './accept.js';
import { FAULT_MESSAGES, sendError, sendJson, type ApiFamily } from './answers.js';
import { createFaultPolicy, type Decision, type FaultOptions, type FaultStats } from './faults.js';
import { RenderRefusal } from './refusal.js';
import { parseRequest, queryFields, readMultipart, type Fields, type UploadedFile } from './requests.js';

export { STAND_IN_NOTICE } from './stand-in.js';

export interface EmulatorOptions extends Omit<FaultOptions, 'now'> {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Accept only this key; by default any non-empty `x-api-key` is accepted. */
  apiKey?: string;
  /** Skip rendering and answer the uploaded bytes (throughput benchmarks). */
  echo?: boolean;
  /** Send `Retry-After` with each 429 (default true); false answers as the API documents it, without. */
  retryAfter?: boolean;
  /** Keep every request in `requests` (tests). */
  record?: boolean;
  /** Called once per answered request (the CLI's --verbose log). */
  onRequest?: (line: string) => void;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** The request headers the API reads: x-api-key, accept, content-type, user-agent, pr-*. */
  headers: Record<string, string>;
  /** Query parameters (GET) or form fields (POST), files described by name and size. */
  fields: [name: string, value: string | { filename: string; size: number; contentType: string }][];
  status: number;
}

export interface RunningEmulator {
  url: string;
  requests: RecordedRequest[];
  stats(): FaultStats;
  close(): Promise<void>;
}

/** `available` shown by /v2/account when no --credits limit is set. */
const UNLIMITED_CREDITS = 1_000_000;

interface RouteTo<Target extends Endpoint | 'account'> {
  endpoint: Target;
  method: Method;
  family: ApiFamily;
}

type ImageRoute = RouteTo<Endpoint>;
type Route = ImageRoute | RouteTo<'account'>;

const ROUTES: Readonly<Record<string, readonly Route[]>> = {
  [ENDPOINT_PATH.edit]: [
    { endpoint: 'edit', method: 'POST', family: 'v2' },
    { endpoint: 'edit', method: 'GET', family: 'v2' },
  ],
  [ENDPOINT_PATH.segment]: [{ endpoint: 'segment', method: 'POST', family: 'v1' }],
  [ACCOUNT_PATH]: [{ endpoint: 'account', method: 'GET', family: 'v2' }],
};

const RECORDED_HEADERS = /^(x-api-key|accept|content-type|user-agent|pr-.*)$/;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** As long as a fetch of an image URL may stay silent. */
const DOWNLOAD_IDLE_TIMEOUT_MS = 300_000;

async function download(url: string, limit: number): Promise<Buffer> {
  const response = await httpRequest(url, { method: 'GET', idleTimeoutMs: DOWNLOAD_IDLE_TIMEOUT_MS });
  if (response.statusCode !== 200) {
    response.destroy();
    throw new RenderRefusal(`could not fetch ${url}: HTTP ${response.statusCode}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RenderRefusal(`${url} is larger than ${limit / 1024 / 1024} MB`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function fetchImage(url: string, limit: number): Promise<Buffer> {
  try {
    return await download(url, limit);
  } catch (error) {
    if (error instanceof RenderRefusal) throw error;
    throw new RenderRefusal(`could not fetch ${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function describeFields(fields: Fields): RecordedRequest['fields'] {
  return fields.map(([name, value]) => [
    name,
    typeof value === 'string' ? value : { filename: value.filename, size: value.size, contentType: value.contentType },
  ]);
}

interface Rendered {
  body: Buffer;
  contentType: string;
  headers: Record<string, string>;
}

/** Loaded on first use: sharp is heavy and `--echo` never needs it. */
async function loadRenderer() {
  return import('./render.js');
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const policy = createFaultPolicy(options);
  const requests: RecordedRequest[] = [];
  let origin = '';

  async function render(
    route: ImageRoute,
    params: ParamSet,
    image: Buffer,
    files: Map<string, UploadedFile>,
  ): Promise<Rendered> {
    if (options.echo) {
      const type = commonImageType(image);
      return { body: image, contentType: type ? MIME_TYPE[type] : 'application/octet-stream', headers: {} };
    }
    const renderer = await loadRenderer();
    const values = params.values();
    if (route.endpoint === 'segment') return renderer.renderSegment(image, values);
    const background = params.get('background.imageUrl');
    const guidance = params.get('background.guidance.imageUrl');
    return renderer.renderEdit(image, values, {
      backgroundImage:
        files.get('background.imageFile')?.bytes ??
        (typeof background === 'string' ? await fetchImage(background, ENDPOINT_LIMITS.edit.maxBytes) : undefined),
      guidanceImage:
        files.get('background.guidance.imageFile')?.bytes ??
        (typeof guidance === 'string' ? await fetchImage(guidance, ENDPOINT_LIMITS.edit.maxBytes) : undefined),
    });
  }

  /** Validates and renders; returns the status it answered. */
  async function answerImage(route: ImageRoute, fields: Fields, response: ServerResponse): Promise<number> {
    const { image, files, validation } = parseRequest(route.endpoint, route.method, fields, response.req.headers);
    const imageField = route.endpoint === 'segment' ? 'image_file' : route.method === 'GET' ? 'imageUrl' : 'imageFile';
    const problems = [...validation.problems];
    if (image === undefined) problems.unshift(`${imageField} is required`);
    for (const entry of validation.params.entries()) {
      if (entry.spec?.kind === 'file' && !files.has(entry.name))
        problems.push(`${entry.name} must be an uploaded file`);
    }
    if (image === undefined || problems.length > 0) {
      sendError(response, route.family, 400, problems.join('; '));
      return 400;
    }
    const limit = ENDPOINT_LIMITS[route.endpoint].maxBytes;
    if (typeof image !== 'string' && image.size > limit) {
      throw new RenderRefusal(`${imageField} is larger than ${limit / 1024 / 1024} MB`);
    }
    const bytes = typeof image === 'string' ? await fetchImage(image, limit) : image.bytes;

    const rendered = await render(route, validation.params, bytes, files);
    const unsupported = validation.params
      .entries()
      .filter((entry) => !entry.spec && !entry.layerField)
      .map((entry) => entry.name);
    if (validation.params.has('templateId')) unsupported.push('templateId (templates are not emulated)');
    const headers: Record<string, string> = { ...rendered.headers };
    if (unsupported.length > 0)
      headers['pr-unsupported-attributes'] = `Unsupported attributes: ${unsupported.join(', ')}`;
    if (route.method === 'GET') {
      const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
      headers['pr-edit-further-url'] = `${origin}/edit-further/${digest}`;
    }
    if (route.endpoint === 'segment' && prefersJson(response.req.headers.accept, rendered.contentType)) {
      sendJson(response, { base64img: rendered.body.toString('base64') }, headers);
    } else {
      response
        .writeHead(200, { 'content-type': rendered.contentType, 'content-length': rendered.body.length, ...headers })
        .end(rendered.body);
    }
    return 200;
  }

  function resetMidResponse(response: ServerResponse): void {
    // Promise a body, send part of it, then drop the connection.
    response.writeHead(200, { 'content-type': 'image/png', 'content-length': '4096' });
    response.write(Buffer.alloc(512));
    setImmediate(() => response.socket?.destroy());
  }

  async function answerRequest(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<{ status: number; fields: Fields }> {
    const url = new URL(request.url ?? '/', origin);
    const candidates = ROUTES[url.pathname];
    if (!candidates) {
      sendError(response, 'v2', 404, `no such endpoint ${url.pathname}`);
      return { status: 404, fields: [] };
    }
    const route = candidates.find((candidate) => candidate.method === request.method);
    if (!route) {
      const allowed = candidates.map((candidate) => candidate.method).join(', ');
      sendError(response, candidates[0]!.family, 405, `use ${allowed} on ${url.pathname}`, { allow: allowed });
      return { status: 405, fields: [] };
    }
    const key = request.headers['x-api-key'];
    if (typeof key !== 'string' || key === '' || (options.apiKey !== undefined && key !== options.apiKey)) {
      sendError(response, route.family, 403, 'Forbidden');
      return { status: 403, fields: [] };
    }

    const decision: Decision = policy.decide({ billable: route.endpoint !== 'account' });
    let succeeded = false;
    try {
      if (decision.kind === 'rateLimited') {
        const headers: Record<string, string> =
          options.retryAfter === false ? {} : { 'retry-after': String(decision.retryAfterSeconds) };
        sendError(response, route.family, 429, 'Too many requests', headers);
        return { status: 429, fields: [] };
      }
      if (decision.kind === 'noCredits') {
        sendError(response, route.family, 402, 'Not enough credits to process this image');
        return { status: 402, fields: [] };
      }
      const fields = route.method === 'GET' ? queryFields(url) : await readMultipart(request, origin);
      if (decision.delayMs > 0) await sleep(decision.delayMs);
      if (decision.kind === 'fail') {
        sendError(response, route.family, decision.status, FAULT_MESSAGES[decision.status] ?? 'error');
        return { status: decision.status, fields };
      }
      if (decision.kind === 'reset') {
        resetMidResponse(response);
        return { status: 0, fields };
      }
      if (route.endpoint === 'account') {
        const account = policy.account();
        sendJson(response, {
          images: {
            available: account.available ?? UNLIMITED_CREDITS,
            subscription: options.credits ?? UNLIMITED_CREDITS,
          },
          plan: 'emulator',
        });
        return { status: 200, fields };
      }
      try {
        const status = await answerImage(route, fields, response);
        succeeded = status === 200;
        return { status, fields };
      } catch (error) {
        if (!(error instanceof RenderRefusal)) throw error;
        sendError(response, route.family, error.status, error.message);
        return { status: error.status, fields };
      }
    } finally {
      policy.settle(decision, succeeded);
    }
  }

  const server = http.createServer((request, response) => {
    const started = performance.now();
    // node:http waits for no handler: a request that fails is answered in .catch, and a throw
    // from the caller's onRequest stays an unhandled rejection, as in a synchronous handler.
    void answerRequest(request, response)
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        if (!response.headersSent) sendError(response, 'v2', 400, `could not read the request: ${message}`);
        return { status: 400, fields: [] as Fields };
      })
      .then(({ status, fields }) => {
        options.onRequest?.(
          `${request.method} ${request.url?.split('?')[0]} → ${status || 'reset'} (${Math.round(performance.now() - started)} ms)`,
        );
        if (!options.record) return;
        const headers = Object.fromEntries(
          Object.entries(request.headers)
            .filter(([name]) => RECORDED_HEADERS.test(name))
            .map(([name, value]) => [name, String(value)]),
        );
        requests.push({
          method: request.method ?? '',
          path: request.url ?? '',
          headers,
          fields: describeFields(fields),
          status,
        });
      });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  origin = `http://${host}:${address.port}`;

  return {
    url: origin,
    requests,
    stats: () => policy.stats(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
