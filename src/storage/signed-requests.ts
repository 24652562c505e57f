/**
 * Object reads (GET) and single-request writes (PUT) sent on Node's own client, signed with
 * SigV4, not through the SDK's command stack: its middleware cost about 0.8 ms of CPU per
 * request, which made a batch of small images from a bucket 18% slower than from disk, and
 * one into a bucket (an output and a sidecar each) 76% slower. What the SDK resolves is still
 * the SDK's: the credentials (its default chain, memoized and refreshed), the region, and
 * each bucket's endpoint by its own rules (path-style, virtual hosts, FIPS, dual-stack). A
 * bucket whose endpoint needs another signing scheme (S3 Express, access points over
 * SigV4a) has no signed requests here: the caller goes through the SDK.
 *
 * Failures are thrown in the SDK's shape (name and Code, $metadata.httpStatusCode, the
 * answer's headers), so that problems.ts words them as it words the SDK's own.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { pipeline, type Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SignatureV4 } from '@smithy/signature-v4';

/** Where a bucket's objects are read, and how its requests are signed. */
interface BucketEndpoint {
  /** The bucket's URL, its path ending before the key. */
  url: URL;
  signer: SignatureV4;
}

/** An error answer's body is read up to this many bytes, for its Code. */
const ERROR_BODY_BYTES = 64 * 1024;

export class SignedRequests {
  private readonly endpoints = new Map<string, Promise<BucketEndpoint | null>>();
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };

  constructor(
    private readonly config: S3Client['config'],
    /** The custom endpoint, if any (AWS_ENDPOINT_URL_S3). */
    private readonly endpoint: string | undefined,
    private readonly idleTimeoutMs: number,
  ) {}

  /** Whether `bucket` can be reached here (a SigV4 endpoint); resolved once per bucket. */
  async serves(bucket: string): Promise<boolean> {
    return (await this.endpointOf(bucket)) !== null;
  }

  /** One GET of `key`; resolves with the answer (status 200 or 206) once its headers are in. */
  get(bucket: string, key: string, headers: Record<string, string>): Promise<IncomingMessage> {
    return this.request('GET', bucket, key, headers);
  }

  /**
   * One PUT of `key`. A stream's bytes are sent unsigned (UNSIGNED-PAYLOAD, as the SDK
   * sends a stream), a buffer's signed by their SHA-256; a stream's failure rejects with
   * that very error.
   */
  async put(bucket: string, key: string, headers: Record<string, string>, body: Buffer | Readable): Promise<void> {
    const answer = await this.request('PUT', bucket, key, headers, body);
    answer.resume();
  }

  private async request(
    method: 'GET' | 'PUT',
    bucket: string,
    key: string,
    headers: Record<string, string>,
    body?: Buffer | Readable,
  ): Promise<IncomingMessage> {
    const endpoint = await this.endpointOf(bucket);
    if (!endpoint) throw new Error(`no signed requests for bucket ${bucket}`);
    const { url, signer } = endpoint;
    const path = `${url.pathname.replace(/\/$/, '')}/${key.split('/').map(encodeKeySegment).join('/')}`;
    const signed = await signer.sign(
      {
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port && { port: Number(url.port) }),
        path,
        query: {},
        headers: {
          ...headers,
          host: url.host,
          ...(body && !Buffer.isBuffer(body) && { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }),
        },
        ...(Buffer.isBuffer(body) && { body }),
      },
      {
        // The store's clock as the SDK learnt it from its own answers (a machine's clock off by
        // minutes has every request refused as RequestTimeTooSkewed).
        signingDate: new Date(Date.now() + this.config.systemClockOffset),
      },
    );
    const answer = await this.send(method, url, path, signed.headers, body);
    if (answer.statusCode === 200 || answer.statusCode === 206) return answer;
    throw await errorOf(answer);
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private endpointOf(bucket: string): Promise<BucketEndpoint | null> {
    let endpoint = this.endpoints.get(bucket);
    if (!endpoint) this.endpoints.set(bucket, (endpoint = this.resolve(bucket)));
    return endpoint;
  }

  private async resolve(bucket: string): Promise<BucketEndpoint | null> {
    const { config } = this;
    const region = await config.region();
    let resolved;
    try {
      resolved = config.endpointProvider({
        Bucket: bucket,
        Region: region,
        UseFIPS: await config.useFipsEndpoint(),
        UseDualStack: await config.useDualstackEndpoint(),
        ForcePathStyle: config.forcePathStyle,
        Accelerate: config.useAccelerateEndpoint,
        DisableMultiRegionAccessPoints: config.disableMultiregionAccessPoints,
        ...(this.endpoint && { Endpoint: this.endpoint }),
      });
    } catch {
      return null; // A bucket name the rules refuse: the SDK says why.
    }
    const scheme = (resolved.properties?.authSchemes as { name?: string; signingRegion?: string }[] | undefined)?.[0];
    if (scheme?.name !== 'sigv4' || Object.keys(resolved.headers ?? {}).length > 0) return null;
    // Loaded here, not with this module: a run that names no s3:// location loads nothing of the SDK.
    const { SignatureV4 } = await import('@smithy/signature-v4');
    const signer = new SignatureV4({
      credentials: config.credentials,
      region: scheme.signingRegion ?? region,
      service: 's3',
      sha256: config.sha256,
      // S3 signs the path as sent, encoded once.
      uriEscapePath: false,
    });
    return { url: resolved.url, signer };
  }

  private send(
    method: 'GET' | 'PUT',
    url: URL,
    path: string,
    headers: Record<string, string>,
    body: Buffer | Readable | undefined,
  ): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const secure = url.protocol === 'https:';
      const request = (secure ? https : http).request({
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port,
        path,
        method,
        headers,
        agent: secure ? this.agents.https : this.agents.http,
      });
      let answer: IncomingMessage | undefined;
      /** The body's own failure: pipeline() then aborts the request, which fails as a mere hang-up. */
      let bodyError: Error | undefined;
      request.setTimeout(this.idleTimeoutMs, () => {
        const silent = Object.assign(new Error(`no answer for ${this.idleTimeoutMs / 1000} s`), {
          name: 'TimeoutError',
        });
        (answer ?? request).destroy(silent);
      });
      request.on('error', (error) => reject(bodyError ?? error));
      request.on('response', (response) => resolve((answer = response)));
      if (body === undefined || Buffer.isBuffer(body)) request.end(body);
      else {
        body.once('error', (error: Error) => (bodyError = error));
        pipeline(body, request, () => {});
      }
    });
  }
}

/** A key's path segment as S3 takes it: RFC 3986 unreserved characters only. */
function encodeKeySegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** An error answer as the SDK would throw it: its Code (from the XML body, or the status), status and headers. */
async function errorOf(answer: IncomingMessage): Promise<Error> {
  let body = '';
  for await (const chunk of answer as AsyncIterable<Buffer>) {
    body += chunk.toString('utf8');
    if (body.length > ERROR_BODY_BYTES) break;
  }
  answer.destroy();
  const status = answer.statusCode ?? 0;
  // A body that is not S3's XML (a proxy's HTML page) names no code: the status says it all.
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? (status === 404 ? 'NotFound' : '');
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? answer.statusMessage ?? '';
  return Object.assign(new Error(message), {
    name: code || 'Error',
    Code: code,
    $metadata: { httpStatusCode: status },
    $response: { headers: answer.headers },
  });
}
