/**
 * A real S3-compatible server on loopback (s3rver, which nobody here wrote), behind a
 * recording proxy: tests assert on the requests the CLI actually made (no image downloaded
 * on a rerun), and the proxy can refuse chosen requests the way S3 does (403 AccessDenied).
 */
import { createServer, request as forward, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import S3rver from 's3rver';

export interface StorageRequest {
  method: string;
  bucket: string;
  /** '' for a bucket-level request (a listing). */
  key: string;
  query: URLSearchParams;
  range?: string;
  /** Requests still unanswered when this one arrived: more than 0 means the client did not wait for each answer. */
  alongside?: number;
}

export interface S3TestServer {
  /** The proxy's URL: what AWS_ENDPOINT_URL_S3 names. */
  endpoint: string;
  /** The environment a CLI run needs to reach it. */
  env: Record<string, string>;
  /** Every request the proxy passed on (or refused), in arrival order. */
  readonly requests: StorageRequest[];
  /** Connections clients opened to the proxy: fewer than requests when a client keeps its connections for the next request. */
  readonly connections: number;
  /** Requests for which this returns true get 403 AccessDenied instead of an answer. */
  deny: ((request: StorageRequest) => boolean) | null;
  /** Requests for which this returns an S3 error code and status get that answer instead (503 SlowDown, 500 InternalError). */
  fail: ((request: StorageRequest) => { status: number; code: string } | null) | null;
  /** Requests for which this returns true are read and never answered (a store that hangs). */
  stall: ((request: StorageRequest) => boolean) | null;
  /**
   * Requests for which this says how get their answer's headers and first 1 KB, then
   * nothing more ever ('stall': a store that hangs mid-answer), or a connection closed
   * short of the Content-Length ('cut').
   */
  interrupt: ((request: StorageRequest) => 'stall' | 'cut' | undefined) | null;
  client: S3Client;
  createBucket(name: string): Promise<void>;
  put(bucket: string, key: string, body: Buffer | string): Promise<void>;
  get(bucket: string, key: string): Promise<Buffer>;
  /** Every key under `prefix`, in listing order. */
  keys(bucket: string, prefix?: string): Promise<string[]>;
  /** Image reads (GET of an object, not a listing) since `from`. */
  objectReads(from?: number): StorageRequest[];
  close(): Promise<void>;
}

export const TEST_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

function describe(request: IncomingMessage): StorageRequest {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const [, bucket = '', ...key] = url.pathname.split('/');
  const range = request.headers.range;
  return {
    method: request.method ?? 'GET',
    bucket: decodeURIComponent(bucket),
    key: decodeURIComponent(key.join('/')),
    query: url.searchParams,
    ...(range !== undefined && { range }),
  };
}

const errorXml = (code: string, message: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>${code}</Code><Message>${message}</Message><RequestId>test</RequestId></Error>`;

export async function startS3Server(): Promise<S3TestServer> {
  const directory = await mkdtemp(path.join(tmpdir(), 'photoroom-s3-'));
  const s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
  const { port: backend } = await s3rver.run();
  const requests: StorageRequest[] = [];
  let unanswered = 0;
  const proxy = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const described = { ...describe(incoming), alongside: unanswered };
    requests.push(described);
    unanswered += 1;
    outgoing.on('close', () => (unanswered -= 1));
    if (server.stall?.(described)) {
      incoming.resume();
      return;
    }
    const refusal = server.deny?.(described)
      ? { status: 403, code: 'AccessDenied' }
      : (server.fail?.(described) ?? null);
    if (refusal) {
      incoming.resume();
      outgoing
        .writeHead(refusal.status, { 'content-type': 'application/xml' })
        .end(errorXml(refusal.code, `refused by the test (${refusal.code})`));
      return;
    }
    const upstream = forward(
      { host: '127.0.0.1', port: backend, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        const interrupt = server.interrupt?.(described);
        if (!interrupt) answer.pipe(outgoing);
        else
          answer.once('data', (chunk: Buffer) =>
            outgoing.write(chunk.subarray(0, 1024), () => {
              answer.destroy();
              if (interrupt === 'cut') outgoing.destroy();
            }),
          );
      },
    );
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  let connections = 0;
  proxy.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${backend}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const server: S3TestServer = {
    endpoint,
    env: { ...TEST_CREDENTIALS, AWS_ENDPOINT_URL_S3: endpoint, AWS_REGION: 'us-east-1' },
    requests,
    get connections() {
      return connections;
    },
    deny: null,
    fail: null,
    stall: null,
    interrupt: null,
    client,
    async createBucket(name) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    async put(bucket, key, body) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    async get(bucket, key) {
      const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from(await answer.Body!.transformToByteArray());
    },
    async keys(bucket, prefix = '') {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token && { ContinuationToken: token }) }),
        );
        keys.push(...(page.Contents ?? []).map((entry) => entry.Key ?? ''));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys;
    },
    objectReads(from = 0) {
      return requests.slice(from).filter((request) => request.method === 'GET' && request.key !== '');
    },
    async close() {
      client.destroy();
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await s3rver.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
  return server;
}
