/**
 * Object reads and writes are signed by us (storage/signed-requests.ts), and s3rver does not
 * check SigV4 signatures: each request's Authorization header is checked here against the
 * signature worked out from the request as it arrived, by the SigV4 algorithm written out
 * independently.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redactor } from '../../src/secrets.js';
import { ObjectStorage } from '../../src/storage/storage.js';

const SECRET = 'test-secret-key/with+chars';
const received: { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer }[] = [];
let server: Server;
/** How far the server's clock (its answers' Date header) is ahead of this machine's. */
let serverAhead = 0;
let storage: ObjectStorage;
/** While set, the server answers every request this way instead (a store, or a proxy before it, that lies). */
let lie: ((response: ServerResponse) => void) | null = null;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { method, url, headers } = request;
      received.push({ method: method!, url: url!, headers, body: Buffer.concat(chunks) });
      if (lie) return lie(response);
      const date = new Date(Date.now() + serverAhead).toUTCString();
      response.writeHead(200, { etag: '"abc"', 'content-length': '2', date }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  storage = await ObjectStorage.open({
    env: {
      AWS_ACCESS_KEY_ID: 'AKIDTEST',
      AWS_SECRET_ACCESS_KEY: SECRET,
      AWS_SESSION_TOKEN: 'session-token',
      AWS_REGION: 'eu-west-3',
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`,
    },
    redactor: new Redactor(),
  });
});
afterAll(async () => {
  storage.close();
  await new Promise((resolve) => server.close(resolve));
});

const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text).digest();
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The SigV4 signature of a GET as it arrived, from its raw path and the headers it says it signed. */
function expectedSignature(
  request: (typeof received)[number],
  signedHeaders: string[],
  scope: string,
  secret = SECRET,
): string {
  const header = (name: string) => String(request.headers[name]).trim().replace(/\s+/g, ' ');
  const canonical = [
    request.method,
    request.url,
    '',
    ...signedHeaders.map((name) => `${name}:${header(name)}`),
    '',
    signedHeaders.join(';'),
    header('x-amz-content-sha256'),
  ].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', header('x-amz-date'), scope, sha256(canonical)].join('\n');
  const [date, region, service] = scope.split('/');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date!), region!), service!), 'aws4_request');
  return hmac(key, toSign).toString('hex');
}

/** The request's scope and signed headers, its signature checked against the one worked out independently. */
function checkSignature(request: (typeof received)[number] | undefined): string[] {
  expect(request).toBeDefined();
  const authorization = String(request!.headers.authorization);
  const match = /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
    authorization,
  );
  expect(match).not.toBeNull();
  const [, scope, signed, signature] = match!;
  expect(scope).toMatch(/^\d{8}\/eu-west-3\/s3\/aws4_request$/);
  const signedHeaders = signed!.split(';');
  for (const name of ['host', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token'])
    expect(signedHeaders).toContain(name);
  expect(signature).toBe(expectedSignature(request!, signedHeaders, scope!));
  return signedHeaders;
}

describe('signed object requests', () => {
  // The check below is only as good as this algorithm: it must give AWS's own published
  // example ("Signature Calculations for the Authorization Header: Transferring Payload in a
  // Single Chunk", S3 API reference: GET Object).
  it("works out the AWS documentation's example signature", () => {
    const example = {
      method: 'GET',
      url: '/test.txt',
      headers: {
        host: 'examplebucket.s3.amazonaws.com',
        range: 'bytes=0-9',
        'x-amz-content-sha256': sha256(''),
        'x-amz-date': '20130524T000000Z',
      },
      body: Buffer.alloc(0),
    };
    const signed = ['host', 'range', 'x-amz-content-sha256', 'x-amz-date'];
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    expect(expectedSignature(example, signed, '20130524/us-east-1/s3/aws4_request', secret)).toBe(
      'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it.each([
    ['a plain key', 'photos/mug.jpg'],
    ['spaces, plus signs and non-ASCII', 'sale 2020/été+hiver/ü.png'],
    ['reserved characters', "odd/!'()*&$@=;:,?#[]~%.bin"],
  ])('signs a read of %s as SigV4 says, over the path as sent', async (_name, key) => {
    received.length = 0;
    const read = await storage.read('shelf', key, { range: [0, 1], etag: 'abc' });
    read.body.resume();
    const [request] = received;
    const signedHeaders = checkSignature(request);
    expect(signedHeaders).toEqual(expect.arrayContaining(['range', 'if-match']));
    expect(request!.headers).toMatchObject({ range: 'bytes=0-1', 'if-match': '"abc"' });
    // Path-style: the bucket, then the key, each segment encoded once.
    expect(request!.url.startsWith('/shelf/')).toBe(true);
    expect(request!.url.split('/').slice(2).map(decodeURIComponent).join('/')).toBe(key);
  });

  it('signs a write of bytes with their SHA-256, and a streamed one as UNSIGNED-PAYLOAD', async () => {
    received.length = 0;
    await storage.put('shelf', 'out/a b.json', '{"ok":true}', 'application/json');
    await storage.upload('shelf', 'out/ü.png', () => Readable.from([Buffer.from('png'), Buffer.from('bytes')]), 8);
    const [small, streamed] = received;
    expect(checkSignature(small)).toContain('content-type');
    expect(small).toMatchObject({ method: 'PUT', url: '/shelf/out/a%20b.json', body: Buffer.from('{"ok":true}') });
    expect(small!.headers['x-amz-content-sha256']).toBe(sha256('{"ok":true}'));
    checkSignature(streamed);
    expect(streamed).toMatchObject({ method: 'PUT', url: '/shelf/out/%C3%BC.png', body: Buffer.from('pngbytes') });
    expect(streamed!.headers).toMatchObject({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': '8' });
  });

  it("signs with the store's clock as the SDK learnt it, when this machine's is off by an hour", async () => {
    serverAhead = 60 * 60 * 1000;
    try {
      await storage.head('shelf', 'any.jpg'); // The SDK's answer: it learns the offset from the Date header.
      received.length = 0;
      (await storage.read('shelf', 'any.jpg')).body.resume();
      checkSignature(received[0]);
      const signedAt = String(received[0]!.headers['x-amz-date']);
      const signedMs = Date.parse(signedAt.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
      expect(signedMs).toBeGreaterThan(Date.now() + serverAhead / 2);
    } finally {
      serverAhead = 0;
    }
  });

  it('ends a read whose error answer never ends, and one whose body stops short of its length, each with an error', async () => {
    try {
      // A 502 from a proxy: an HTML page that goes on for ever. Its first 64 KB are read for a code.
      lie = (response) => {
        response.writeHead(502, { 'content-type': 'text/html' });
        let open = true;
        response.on('close', () => (open = false));
        const page = Buffer.alloc(64 * 1024, '<p>');
        const more = (): void => {
          if (!open) return;
          if (response.write(page)) setImmediate(more);
          else response.once('drain', more);
        };
        more();
      };
      await expect(storage.read('shelf', 'any.jpg')).rejects.toThrow(
        /^s3:\/\/shelf\/any\.jpg: the storage is failing on its side \(HTTP 502\): try again later/,
      );
      // A 200 that says 100 bytes, sends 10 and hangs up: the body fails, never reads as whole.
      lie = (response) => {
        response.writeHead(200, { etag: '"abc"', 'content-length': '100' }).write('0123456789');
        setImmediate(() => response.socket?.destroy());
      };
      const read = await storage.read('shelf', 'short.jpg');
      await expect(buffer(read.body)).rejects.toThrow();
    } finally {
      lie = null;
    }
  });
});
