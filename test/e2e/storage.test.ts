/** The storage layer against a real S3-compatible server (s3rver), behind a recording proxy. */
import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Redactor } from '../../src/secrets.js';
import { ObjectStorage, StorageFailure, type ByteRange } from '../../src/storage/storage.js';
import { startS3Server, type S3TestServer } from '../support/s3-server.js';

let s3: S3TestServer;
let storage: ObjectStorage;

beforeAll(async () => {
  s3 = await startS3Server();
  await s3.createBucket('shelf');
  storage = await ObjectStorage.open({ env: s3.env, redactor: new Redactor() });
});
afterAll(async () => {
  storage.close();
  await s3.close();
});

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('object storage', () => {
  it('lists a prefix page by page, with its folders when asked', async () => {
    for (const key of ['list/a.jpg', 'list/b.jpg', 'list/sub/c.jpg']) await s3.put('shelf', key, key);
    const objects = [];
    for await (const page of storage.list('shelf', 'list/')) objects.push(...page.objects.map((object) => object.key));
    expect(objects).toEqual(['list/a.jpg', 'list/b.jpg', 'list/sub/c.jpg']);
    const pages = [];
    for await (const page of storage.list('shelf', 'list/', { delimiter: '/' })) pages.push(page);
    expect(pages.flatMap((page) => page.prefixes)).toEqual(['list/sub/']);
    expect(pages.flatMap((page) => page.objects).map((object) => [object.key, object.size])).toEqual([
      ['list/a.jpg', 10],
      ['list/b.jpg', 10],
    ]);
  });

  it('reads a range, and refuses a version other than the one listed', async () => {
    await s3.put('shelf', 'read/x.bin', Buffer.from('0123456789'));
    const head = await storage.head('shelf', 'read/x.bin');
    expect(head).toMatchObject({ size: 10 });
    const part = await storage.read('shelf', 'read/x.bin', { range: [2, 5], etag: head!.etag });
    expect((await bytesOf(part.body)).toString()).toBe('2345');
    expect(s3.requests.at(-1)?.range).toBe('bytes=2-5');
    await s3.put('shelf', 'read/x.bin', Buffer.from('changed!!!'));
    await expect(storage.read('shelf', 'read/x.bin', { etag: head!.etag })).rejects.toThrow(
      's3://shelf/read/x.bin: it changed since it was listed',
    );
    expect(await storage.head('shelf', 'read/missing.bin')).toBeNull();
  });

  it('reads and writes objects signed on its own transport, not through the SDK: keys of any characters, one request each', async () => {
    const keys = ['direct/a b+c.jpg', 'direct/été/ü.png', "direct/!'()*&$@=;:,~.bin"];
    // The SDK's command stack cost about 0.8 ms of CPU per request: a batch of small images paid it per object.
    const send = vi.spyOn(S3Client.prototype, 'send');
    const before = s3.requests.length;
    try {
      for (const [index, key] of keys.entries()) {
        const content = `bytes of ${key}`;
        if (index === 0) await storage.put('shelf', key, content);
        else
          await storage.upload('shelf', key, () => Readable.from([Buffer.from(content)]), Buffer.byteLength(content));
        const head = await storage.head('shelf', key);
        const read = await storage.read('shelf', key, { etag: head!.etag });
        expect((await bytesOf(read.body)).toString()).toBe(content);
        expect(read).toMatchObject({ size: Buffer.byteLength(content), etag: head!.etag });
        const part = await storage.read('shelf', key, { range: [0, 4] });
        expect((await bytesOf(part.body)).toString()).toBe('bytes');
      }
      expect(send.mock.calls.map(([command]) => command.constructor.name)).toEqual(keys.map(() => 'HeadObjectCommand'));
    } finally {
      send.mockRestore();
    }
    const made = s3.requests.slice(before).filter((request) => request.method !== 'HEAD');
    expect(made.map((request) => [request.method, request.key])).toEqual(
      keys.flatMap((key) => [
        ['PUT', key],
        ['GET', key],
        ['GET', key],
      ]),
    );
  });

  it('words a refused read in one line, and tries a passing refusal again', async () => {
    await s3.put('shelf', 'refused/x.bin', 'x');
    s3.deny = (request) => request.method === 'GET' && request.key === 'refused/x.bin';
    try {
      await expect(storage.read('shelf', 'refused/x.bin')).rejects.toThrow(
        /^s3:\/\/shelf\/refused\/x\.bin: access denied.*s3:GetObject$/,
      );
    } finally {
      s3.deny = null;
    }
    await expect(storage.read('shelf', 'refused/none.bin')).rejects.toThrow(
      's3://shelf/refused/none.bin: no such object',
    );
    await expect(storage.read('nowhere', 'x.bin')).rejects.toThrow(/^s3:\/\/nowhere\/x\.bin: no such bucket at http/);
    let failed = 0;
    s3.fail = (request) => (request.method === 'GET' && failed++ === 0 ? { status: 503, code: 'SlowDown' } : null);
    try {
      expect((await bytesOf((await storage.read('shelf', 'refused/x.bin')).body)).toString()).toBe('x');
      expect(failed).toBe(2);
    } finally {
      s3.fail = null;
    }
    const wrongKey = await ObjectStorage.open({
      env: { ...s3.env, AWS_ACCESS_KEY_ID: 'NOT-THE-KEY' },
      redactor: new Redactor(),
    });
    try {
      await expect(wrongKey.read('shelf', 'refused/x.bin')).rejects.toThrow(
        /^s3:\/\/shelf\/refused\/x\.bin: the storage refused these credentials \(InvalidAccessKeyId\)/,
      );
    } finally {
      wrongKey.close();
    }
  });

  it('writes small objects in one request and large ones in parts', async () => {
    await storage.put('shelf', 'write/small.json', '{"ok":true}');
    expect((await s3.get('shelf', 'write/small.json')).toString()).toBe('{"ok":true}');
    const large = Buffer.alloc(17 * 1024 * 1024, 3);
    const before = s3.requests.length;
    // Each part streams from its own range of the source: no part is held in memory.
    const ranges: (ByteRange | undefined)[] = [];
    const source = (range?: ByteRange) => {
      ranges.push(range);
      return Readable.from([range ? large.subarray(range.start, range.end + 1) : large]);
    };
    await storage.upload('shelf', 'write/large.png', source, large.length);
    expect(ranges).toEqual([
      { start: 0, end: 8 * 1024 * 1024 - 1 },
      { start: 8 * 1024 * 1024, end: 16 * 1024 * 1024 - 1 },
      { start: 16 * 1024 * 1024, end: large.length - 1 },
    ]);
    const made = s3.requests.slice(before);
    expect(made.some((request) => request.query.has('uploads'))).toBe(true);
    expect(made.filter((request) => request.query.has('partNumber'))).toHaveLength(3);
    expect((await s3.get('shelf', 'write/large.png')).equals(large)).toBe(true);
  });

  it('says what is wrong in one line naming the place', async () => {
    const missing = storage.list('nowhere', 'x/').next();
    await expect(missing).rejects.toThrow(StorageFailure);
    await expect(storage.list('nowhere', 'x/').next()).rejects.toThrow(/^s3:\/\/nowhere\/x\/: no such bucket at http/);
    s3.deny = (request) => request.bucket === 'shelf' && request.key === '';
    try {
      await expect(storage.list('shelf', 'list/').next()).rejects.toThrow(
        /^s3:\/\/shelf\/list\/: access denied.*s3:ListBucket/,
      );
    } finally {
      s3.deny = null;
    }
  });

  it('says an endpoint does not answer', async () => {
    const closed = await ObjectStorage.open({
      env: { ...s3.env, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' },
      redactor: new Redactor(),
    });
    try {
      await expect(closed.list('shelf', '').next()).rejects.toThrow(/does not answer \(ECONNREFUSED\)/);
      await expect(closed.read('shelf', 'x.bin')).rejects.toThrow(
        /^s3:\/\/shelf\/x\.bin: the storage endpoint http:\/\/127\.0\.0\.1:9 does not answer \(ECONNREFUSED\)/,
      );
    } finally {
      closed.close();
    }
  });
});
