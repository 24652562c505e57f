/**
 * Object reads are signed by us (storage/signed-get.ts), and s3rver does not check SigV4
 * signatures: each read's Authorization header is checked here against the signature worked
 * out from the request as it arrived, by the SigV4 algorithm written out independently.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redactor } from '../../src/secrets.js';
import { ObjectStorage } from '../../src/storage/storage.js';

const SECRET = 'test-secret-key/with+chars';
const received: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];
let server: Server;
let storage: ObjectStorage;

beforeAll(async () => {
  server = createServer((request, response) => {
    received.push({ method: request.method!, url: request.url!, headers: request.headers });
    response.writeHead(200, { etag: '"abc"', 'content-length': '2' }).end('ok');
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
function expectedSignature(request: (typeof received)[number], signedHeaders: string[], scope: string): string {
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
  const key = hmac(hmac(hmac(hmac(`AWS4${SECRET}`, date!), region!), service!), 'aws4_request');
  return hmac(key, toSign).toString('hex');
}

describe('signed object reads', () => {
  it.each([
    ['a plain key', 'photos/mug.jpg'],
    ['spaces, plus signs and non-ASCII', 'sale 2020/été+hiver/ü.png'],
    ['reserved characters', "odd/!'()*&$@=;:,?#[]~%.bin"],
  ])('signs a read of %s as SigV4 says, over the path as sent', async (_name, key) => {
    received.length = 0;
    const read = await storage.read('shelf', key, { range: [0, 1], etag: 'abc' });
    read.body.resume();
    const [request] = received;
    expect(request).toBeDefined();
    const authorization = String(request!.headers.authorization);
    const match =
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
        authorization,
      );
    expect(match).not.toBeNull();
    const [, scope, signed, signature] = match!;
    expect(scope).toMatch(/^\d{8}\/eu-west-3\/s3\/aws4_request$/);
    const signedHeaders = signed!.split(';');
    for (const name of ['host', 'range', 'if-match', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token'])
      expect(signedHeaders).toContain(name);
    expect(request!.headers).toMatchObject({ range: 'bytes=0-1', 'if-match': '"abc"' });
    expect(signature).toBe(expectedSignature(request!, signedHeaders, scope!));
    // Path-style: the bucket, then the key, each segment encoded once.
    expect(request!.url.split('/').slice(2).map(decodeURIComponent).join('/')).toBe(key);
    expect(request!.url.startsWith('/shelf/')).toBe(true);
  });
});
