/**
 * Listed keys judged as files are: s3rver stores keys as files and cannot hold a `..`
 * segment, so a listing that has one comes from a stand-in storage here.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { discoverInputs, type DiscoverOptions, type DiscoveryItem } from '../../src/inputs/discover.js';
import { objectHead } from '../../src/inputs/object-bytes.js';
import type { ObjectStorage } from '../../src/storage/storage.js';

function listing(keys: readonly string[]): DiscoverOptions['storage'] {
  const storage = {
    // eslint-disable-next-line @typescript-eslint/require-await -- a listing with nothing to wait for
    async *list() {
      yield { objects: keys.map((key) => ({ key, size: 1, etag: 'e' })), prefixes: [] };
    },
  };
  return () => Promise.resolve(storage as unknown as ObjectStorage);
}

async function discover(keys: readonly string[], options: Partial<DiscoverOptions> = {}): Promise<DiscoveryItem[]> {
  const items: DiscoveryItem[] = [];
  const options_: DiscoverOptions = {
    inputs: ['s3://shelf/in/'],
    skipFolders: [],
    extensions: ['jpg', 'png'],
    cwd: '/',
    storage: listing(keys),
    ...options,
  };
  for await (const item of discoverInputs(options_)) items.push(item);
  return items;
}

describe('object inputs', () => {
  it('judges listed keys as files found in a folder, and skips keys under an output prefix', async () => {
    const items = await discover(
      ['in/a.jpg', 'in/.cache/b.jpg', 'in/notes.txt', 'in/sub/', 'in/out/c.png', 'in/d.png'],
      {
        skipFolders: ['s3://shelf/in/out'],
        exclude: ['d.png'],
      },
    );
    expect(
      items.map((item) => (item.kind === 'object' ? item.relative : item.kind === 'ignored' ? item.reason : '')),
    ).toEqual(['a.jpg', 'hidden', 'not-an-image', 'output-folder', 'excluded']);
  });

  it('stops on a listed key with a .. segment, unless it is excluded', async () => {
    await expect(discover(['in/a.jpg', 'in/x/../y.jpg'])).rejects.toThrow(
      "s3://shelf/in/x/../y.jpg: it holds a '.' or '..' segment, which would name a different place once mirrored into an output folder; rename the object, or leave it out with --exclude",
    );
    const excluded = await discover(['in/a.jpg', 'in/x/../y.jpg'], { exclude: ['y.jpg'] });
    expect(excluded.map((item) => item.kind)).toEqual(['object', 'ignored']);
  });

  it('hands on each listed object before the next page is asked for, and follows every page', async () => {
    const asked: number[] = [];
    const storage = {
      // eslint-disable-next-line @typescript-eslint/require-await -- pages with nothing to wait for
      async *list() {
        for (const page of [['in/a.png', 'in/b.png'], ['in/c.png'], ['in/d.png']]) {
          asked.push(asked.length + 1);
          yield { objects: page.map((key) => ({ key, size: 1, etag: 'e' })), prefixes: [] };
        }
      },
    };
    const items = discoverInputs({
      inputs: ['s3://shelf/in/'],
      skipFolders: [],
      extensions: ['png'],
      cwd: '/',
      storage: () => Promise.resolve(storage as unknown as ObjectStorage),
    });
    expect((await items.next()).value).toMatchObject({ kind: 'object', uri: 's3://shelf/in/a.png', relative: 'a.png' });
    expect(asked).toEqual([1]);
    const rest: DiscoveryItem[] = [];
    for await (const item of items) rest.push(item);
    expect(rest.map((item) => (item.kind === 'object' ? item.key : item.kind))).toEqual([
      'in/b.png',
      'in/c.png',
      'in/d.png',
    ]);
    expect(asked).toEqual([1, 2, 3]);
  });

  it('refuses object inputs where no storage is given', async () => {
    await expect(discover(['in/a.jpg'], { storage: undefined })).rejects.toThrow(/not read by this command/);
  });

  it("reads no more than an object's head from a store that answers a ranged read with the whole object", async () => {
    // 100 chunks of 64 KB: a 6.4 MB object, of which the check asks for the first 4,100 bytes.
    let pulled = 0;
    async function* whole() {
      for (let chunk = 0; chunk < 100; chunk++) {
        pulled += 1;
        yield await Promise.resolve(Buffer.alloc(64 * 1024, chunk));
      }
    }
    const storage = { read: () => Promise.resolve({ body: Readable.from(whole()), size: 100 * 64 * 1024, etag: 'e' }) };
    const object = { bucket: 'shelf', key: 'in/large.png', size: 100 * 64 * 1024, etag: 'e' };
    const head = await objectHead(storage as unknown as ObjectStorage, object, 4100);
    expect(head.length).toBe(4100);
    expect(pulled).toBeLessThan(100);
  });
});
