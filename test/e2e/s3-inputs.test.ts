/**
 * `s3://` inputs, in-process against a real S3-compatible server (s3rver behind a recording
 * proxy) and the emulator answering the uploaded bytes (echo): what was listed and read
 * from the bucket, what was sent, what was written, what was said.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { discoverInputs } from '../../src/inputs/discover.js';
import { prepareInput } from '../../src/batch/prepare.js';
import { LocalFault } from '../../src/errors.js';
import { objectChunks } from '../../src/inputs/object-bytes.js';
import { Redactor } from '../../src/secrets.js';
import { ObjectStorage } from '../../src/storage/storage.js';
import type { Sidecar } from '../../src/store/sidecar.js';
import { startS3Server, type S3TestServer } from '../support/s3-server.js';
import { runInProcess } from '../support/in-process.js';
import { emulatorEnv, FIXTURES, recordingEmulator, ROOT, tempDir } from './harness.js';

let s3: S3TestServer;
let emulator: RunningEmulator;
const fixture = (name: string) => readFile(path.join(FIXTURES, name));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const SESSION_TOKEN = 'session-token-never-shown-0123';

beforeAll(async () => {
  [s3, emulator] = await Promise.all([startS3Server(), recordingEmulator({ echo: true })]);
  await s3.createBucket('shelf');
  const [mug, bottle, sneaker] = await Promise.all(['mug.jpg', 'bottle.png', 'sneaker.jpg'].map(fixture));
  await Promise.all([
    s3.put('shelf', 'products/mug.jpg', mug!),
    s3.put('shelf', 'products/bottle.png', bottle!),
    s3.put('shelf', 'products/sub/sneaker.jpg', sneaker!),
    s3.put('shelf', 'products/sub/', Buffer.alloc(0)),
    s3.put('shelf', 'products/.hidden/secret.jpg', mug!),
    s3.put('shelf', 'products/notes.txt', 'not an image'),
    s3.put('shelf', 'shots/a/mug.jpg', mug!),
    s3.put('shelf', 'shots/b/bottle.png', bottle!),
    s3.put('shelf', 'shots/b/sneaker.JPG', sneaker!),
  ]);
});

afterAll(async () => {
  await Promise.all([s3.close(), emulator.close()]);
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  root: string;
  /** Requests the emulator received during the run. */
  sent: RunningEmulator['requests'];
  /** Sidecars written under out/, by their path relative to it. */
  sidecars(): Promise<Record<string, Sidecar>>;
}

async function run(
  args: readonly string[],
  options: { root?: string; env?: Record<string, string>; input?: string } = {},
): Promise<Run> {
  const root = options.root ?? (await tempDir('photoroom-s3in-'));
  const before = emulator.requests.length;
  const result = await runInProcess(args, {
    cwd: root,
    env: { ...emulatorEnv(emulator), ...s3.env, AWS_SESSION_TOKEN: SESSION_TOKEN, TMPDIR: root, ...options.env },
    input: options.input ?? '',
  });
  return {
    ...result,
    root,
    sent: emulator.requests.slice(before),
    async sidecars() {
      const out = path.join(root, 'out');
      const found: Record<string, Sidecar> = {};
      for (const entry of await readdir(out, { recursive: true }).catch(() => [] as string[])) {
        if (!entry.endsWith('.png.json') && !entry.endsWith('.jpg.json')) continue;
        found[entry] = JSON.parse(await readFile(path.join(out, entry), 'utf8')) as Sidecar;
      }
      return found;
    },
  };
}

const uploadedNames = (sent: Run['sent']) =>
  sent
    .filter((request) => request.path === '/v2/edit')
    .map((request) => {
      const file = request.fields.find(([name]) => name === 'imageFile')?.[1];
      return typeof file === 'object' ? file.filename : '';
    })
    .sort();

describe('s3:// inputs', () => {
  it('a prefix is listed recursively; hidden, non-image and folder-marker keys are left out; a rerun reads no object', async () => {
    const first = await run(['edit', 's3://shelf/products/', '-o', 'out']);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/ignored: 1 not an image, 1 hidden file/);
    expect(uploadedNames(first.sent)).toEqual(['bottle.png', 'mug.jpg', 'sneaker.jpg']);
    const sidecars = await first.sidecars();
    const inputs = Object.values(sidecars).map((sidecar) => sidecar.input);
    // The bytes uploaded are the object's: the sidecar's hash of what was sent is the object's.
    const mug = await s3.get('shelf', 'products/mug.jpg');
    expect(inputs).toContainEqual(
      expect.objectContaining({ object: 's3://shelf/products/mug.jpg', size: mug.length, sha256: sha256(mug) }),
    );
    expect(inputs.map((input) => ('object' in input ? input.object : ''))).toEqual(
      expect.arrayContaining(['s3://shelf/products/bottle.png', 's3://shelf/products/sub/sneaker.jpg']),
    );
    expect(Object.keys(sidecars).sort()).toEqual(['bottle.png.json', 'mug.png.json', 'sub/sneaker.png.json']);

    const listedFrom = s3.requests.length;
    const again = await run(['edit', 's3://shelf/products/', '-o', 'out'], { root: first.root });
    expect(again.code).toBe(0);
    expect(again.sent.filter((request) => request.path === '/v2/edit')).toEqual([]);
    expect(s3.objectReads(listedFrom)).toEqual([]);

    // Another version of an object (another ETag) is another input: sent again, alone.
    await s3.put('shelf', 'products/bottle.png', await fixture('gift-box.webp'));
    const changed = await run(['edit', 's3://shelf/products/', '-o', 'out'], { root: first.root });
    expect(uploadedNames(changed.sent)).toEqual(['bottle.png']);
    await s3.put('shelf', 'products/bottle.png', await fixture('bottle.png'));
  });

  it('a glob lists from its base and matches whole keys; include and exclude match the key below the root', async () => {
    const glob = await run(['edit', 's3://shelf/shots/**/*.jpg', '-o', 'out']);
    expect(glob.code).toBe(0);
    expect(uploadedNames(glob.sent)).toEqual(['mug.jpg']);
    expect(s3.requests.filter((request) => request.query.get('prefix') === 'shots/').length).toBeGreaterThan(0);

    const filtered = await run(['edit', 's3://shelf/shots/', '--include', 'b/*', '--exclude', '*.png', '-o', 'out']);
    expect(filtered.code).toBe(0);
    expect(uploadedNames(filtered.sent)).toEqual(['sneaker.JPG']);
  });

  it('a single object by its key; a prefix named without its slash; and a list of s3:// lines', async () => {
    const single = await run(['edit', 's3://shelf/shots/a/mug.jpg', '-o', 'out']);
    expect(single.code).toBe(0);
    expect(Object.keys(await single.sidecars())).toEqual(['mug.png.json']);

    // /v1/segment takes uploads only: an object is one.
    const segment = await run(['segment', 's3://shelf/shots/a/mug.jpg', '-o', 'out']);
    expect(segment.code).toBe(0);
    expect(segment.sent.filter((request) => request.path === '/v1/segment')).toHaveLength(1);

    const folder = await run(['edit', 's3://shelf/shots/b', '-o', 'out']);
    expect(folder.code).toBe(0);
    expect(uploadedNames(folder.sent)).toEqual(['bottle.png', 'sneaker.JPG']);

    const listed = await run(['edit', '-', '-o', 'out'], {
      input: 's3://shelf/products/mug.jpg\n# a comment\ns3://shelf/shots/b/bottle.png\n',
    });
    expect(listed.code).toBe(0);
    expect(uploadedNames(listed.sent)).toEqual(['bottle.png', 'mug.jpg']);
  });

  it('a key that reads as a glob but names objects as it is written is taken as written, as a path that exists is', async () => {
    await Promise.all([
      s3.put('shelf', 'sale [2020]/mug.jpg', await fixture('mug.jpg')),
      s3.put('shelf', 'sale [2020]/sub/bottle.png', await fixture('bottle.png')),
    ]);
    const from = s3.requests.length;
    const prefix = await run(['edit', 's3://shelf/sale [2020]/', '-o', 'out']);
    expect(prefix.code).toBe(0);
    expect(Object.keys(await prefix.sidecars()).sort()).toEqual(['mug.png.json', 'sub/bottle.png.json']);
    const single = await run(['edit', 's3://shelf/sale [2020]/mug.jpg', '-o', 'out']);
    expect(single.code).toBe(0);
    expect(Object.keys(await single.sidecars())).toEqual(['mug.png.json']);
    // Neither is read as a pattern listed from the bucket's root.
    const listings = s3.requests.slice(from).filter((request) => request.query.has('list-type'));
    expect(listings.map((request) => request.query.get('prefix'))).not.toContain('');
  });

  it('streams an object over 1 MB into the request, and converts a TIFF through a download removed after', async () => {
    const noise = randomBytes(720 * 720 * 3);
    const large = await sharp(noise, { raw: { width: 720, height: 720, channels: 3 } })
      .png()
      .toBuffer();
    expect(large.length).toBeGreaterThan(1024 * 1024);
    const tiff = await sharp(await fixture('mug.jpg'))
      .tiff()
      .toBuffer();
    await s3.put('shelf', 'big/noise.png', large);
    await s3.put('shelf', 'big/scan.tif', tiff);
    const from = s3.requests.length;
    const result = await run(['edit', 's3://shelf/big/', '-o', 'out']);
    expect(result.code).toBe(0);
    expect(uploadedNames(result.sent)).toEqual(['noise.png', 'scan.png']);
    const sidecars = await result.sidecars();
    expect(sidecars['noise.png.json']?.input).toMatchObject({ size: large.length, sha256: sha256(large) });
    expect(sidecars['scan.png.json']?.input).toMatchObject({ object: 's3://shelf/big/scan.tif', sha256: sha256(tiff) });
    // echo: the output is what was uploaded, byte for byte.
    expect((await readFile(path.join(result.root, 'out/noise.png'))).equals(large)).toBe(true);
    // The large object: a ranged read of its head, then one whole read, nothing kept in TMPDIR.
    const reads = s3.objectReads(from).filter((request) => request.key === 'big/noise.png');
    expect(reads.map((request) => request.range ?? 'whole')).toEqual(['bytes=0-4099', 'whole']);
    expect((await readdir(result.root)).filter((entry) => entry !== 'out')).toEqual([]);
  });

  it('reads each small object once, whole, over connections kept from one read to the next', async () => {
    const bottle = await fixture('bottle.png');
    const keys = Array.from({ length: 24 }, (_, index) => `many/bottle-${String(index).padStart(2, '0')}.png`);
    await Promise.all(keys.map((key) => s3.put('shelf', key, bottle)));
    const from = s3.requests.length;
    const connectionsBefore = s3.connections;
    const result = await run(['edit', 's3://shelf/many/', '-o', 'out', '--concurrency', '2']);
    expect(result.code).toBe(0);
    expect(uploadedNames(result.sent)).toHaveLength(keys.length);
    // One read of each: its bytes serve the checks and the upload.
    const reads = s3.objectReads(from).map((request) => `${request.key} ${request.range ?? 'whole'}`);
    expect(reads.sort()).toEqual(keys.map((key) => `${key} bytes=0-${bottle.length - 1}`));
    // Each answer is read to its end, so that its connection serves a later read: with a
    // connection per read, opening them cost the store and the run more than the reads.
    expect(s3.connections - connectionsBefore).toBeLessThanOrEqual(keys.length / 2);
  });

  it('real photographs from a bucket reach the API byte for byte, each checked from its head', async () => {
    const folder = path.join(ROOT, 'fixtures/photos');
    const photos = (await readdir(folder)).filter((name) => /\.(jpg|png)$/.test(name));
    const bytes = await Promise.all(photos.map((name) => readFile(path.join(folder, name))));
    await Promise.all(photos.map((name, at) => s3.put('shelf', `photos/${name}`, bytes[at]!)));
    const result = await run(['edit', 's3://shelf/photos/', '-o', 'out']);
    expect(result.code).toBe(0);
    expect(uploadedNames(result.sent)).toEqual([...photos].sort());
    const sidecars = await result.sidecars();
    photos.forEach((name, at) => {
      const output = `${name.replace(/\.\w+$/, '')}.png.json`;
      expect(sidecars[output]?.input).toMatchObject({ size: bytes[at]!.length, sha256: sha256(bytes[at]!) });
    });
  });

  it('an object replaced after it was listed fails that input as changed', async () => {
    await s3.put('shelf', 'moving/mug.jpg', await fixture('mug.jpg'));
    const storage = await ObjectStorage.open({ env: s3.env, redactor: new Redactor() });
    try {
      const [listed] = await collect(discoverInputs({ ...discovery(storage), inputs: ['s3://shelf/moving/'] }));
      if (listed?.kind !== 'object') throw new Error('no object listed');
      await s3.put('shelf', 'moving/mug.jpg', await fixture('sneaker.jpg'));
      const job = { source: listed.uri, outputPath: '/nowhere/mug.png', object: listed };
      const prepared = await prepareInput(job, {
        endpoint: 'edit',
        convert: true,
        fitInputs: false,
        tmpdir: '/nowhere',
        storage: () => Promise.resolve(storage),
      });
      expect(prepared).toEqual({ reason: 'it changed since it was listed' });
      // Past the check, while it streams into a request: the input fails, as a file that changed does.
      const chunks = objectChunks(storage, listed);
      await expect(chunks.next()).rejects.toThrow(new LocalFault('it changed since it was listed'));
    } finally {
      storage.close();
    }
  });

  it('an object whose answer is cut short while it is checked fails alone, with the storage line', async () => {
    await Promise.all([
      s3.put('shelf', 'cut/mug.jpg', await fixture('mug.jpg')),
      s3.put('shelf', 'cut/bottle.png', await fixture('bottle.png')),
    ]);
    s3.interrupt = (request) => (request.method === 'GET' && request.key === 'cut/mug.jpg' ? 'cut' : undefined);
    try {
      const result = await run(['edit', 's3://shelf/cut/', '-o', 'out']);
      expect(result.code).toBe(1);
      expect(uploadedNames(result.sent)).toEqual(['bottle.png']);
      expect(result.stderr).toMatch(
        /^failed +s3:\/\/shelf\/cut\/mug\.jpg: the storage endpoint \S+ does not answer \(ECONNRESET\)/m,
      );
      expect(result.stderr).not.toMatch(/unexpected error/);
    } finally {
      s3.interrupt = null;
    }
  });

  it('an object whose bytes stop coming while it is sent fails alone on --timeout, said as the storage stalling, not retried', async () => {
    const noise = await sharp(randomBytes(720 * 720 * 3), { raw: { width: 720, height: 720, channels: 3 } })
      .png()
      .toBuffer();
    await Promise.all([
      s3.put('shelf', 'stalled/noise.png', noise),
      s3.put('shelf', 'stalled/mug.jpg', await fixture('mug.jpg')),
    ]);
    // The whole read of the large object (its head is read for the check first) stalls after 1 KB. The request's
    // --timeout began before that read did, so it passes before the storage connection's own (also --timeout).
    s3.interrupt = (request) =>
      request.key === 'stalled/noise.png' && request.method === 'GET' && request.range === undefined
        ? 'stall'
        : undefined;
    const from = s3.requests.length;
    try {
      const result = await run(['edit', 's3://shelf/stalled/', '-o', 'out', '--timeout', '1', '--retries', '2']);
      expect(result.code).toBe(1);
      // No file of the large object reached the API (its one request was cut off unfinished, whether or not the
      // emulator has logged it yet).
      expect(uploadedNames(result.sent).filter((name) => name !== '')).toEqual(['mug.jpg']);
      expect(result.stderr).toMatch(
        /^failed +s3:\/\/shelf\/stalled\/noise\.png: the storage sent no more of its bytes within --timeout \(1 s\); not retried \(rerun to try it again\) \(after 1 attempt\)$/m,
      );
      const wholeReads = s3
        .objectReads(from)
        .filter((request) => request.key === 'stalled/noise.png' && !request.range);
      expect(wholeReads).toHaveLength(1);
    } finally {
      s3.interrupt = null;
    }
  });

  it('an object a list names that the bucket does not hold fails alone, as a missing file on a list does', async () => {
    const result = await run(['edit', '-', '-o', 'out', '--json'], {
      input: 's3://shelf/products/mug.jpg\ns3://shelf/products/gone.jpg\n',
    });
    expect(result.code).toBe(1);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; input?: string; status?: string; error?: string });
    const results = lines.filter((line) => line.type === 'result');
    expect(results.map(({ input, status, error }) => [input, status, error]).sort()).toEqual([
      [
        's3://shelf/products/gone.jpg',
        'failed',
        'no such object: the list names it, the bucket holds none by that key',
      ],
      ['s3://shelf/products/mug.jpg', 'ok', undefined],
    ]);
    expect(uploadedNames(result.sent)).toEqual(['mug.jpg']);
  });

  it('--dry-run says how to send an object: aws s3 cp into curl', async () => {
    const result = await run(['edit', 's3://shelf/shots/a/', '-o', 'out', '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `aws s3 cp s3://shelf/shots/a/mug.jpg - | curl --fail-with-body -sS -X POST ${emulator.url}/v2/edit`,
    );
    expect(result.stdout).toContain(`-F 'imageFile=@-;filename=mug.jpg'`);
    expect(result.sent.filter((request) => request.path === '/v2/edit')).toEqual([]);
  });

  it('--dry-run into a bucket: curl hands the answer to aws s3 cp, never to a file named s3://', async () => {
    const result = await run(['edit', 's3://shelf/shots/a/', '-o', 's3://shelf/planned/', '--dry-run']);
    expect(result.code).toBe(0);
    const [command] = result.stdout.split('\n').filter((line) => line.startsWith('aws s3 cp'));
    expect(command).toMatch(/ \| aws s3 cp - s3:\/\/shelf\/planned\/mug\.png$/);
    expect(command).not.toContain('--create-dirs');
    expect(await s3.keys('shelf', 'planned/')).toEqual([]);
  });

  it('shards split objects by their key below the root, disjoint and complete', async () => {
    const root = await tempDir('photoroom-s3in-');
    // One after the other, so that each run's requests are its own in the emulator's log.
    const shards = [];
    for (const shard of ['1/2', '2/2'])
      shards.push(await run(['edit', 's3://shelf/shots/', '-o', 'out', '--shard', shard], { root }));
    const sent = shards.map((shard) => uploadedNames(shard.sent));
    expect(shards.map((shard) => shard.code)).toEqual([0, 0]);
    expect([...sent[0]!, ...sent[1]!].sort()).toEqual(['bottle.png', 'mug.jpg', 'sneaker.JPG']);
    expect(Object.keys(await shards[0]!.sidecars()).sort()).toEqual([
      'a/mug.png.json',
      'b/bottle.png.json',
      'b/sneaker.png.json',
    ]);
  });

  it('refuses --watch over object storage', async () => {
    const result = await run(['edit', 's3://shelf/products/', '-o', 'out', '--watch']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--watch follows folders on this machine, not object storage/);
  });

  it('keeps every credential out of what it prints and writes', async () => {
    const result = await run(['edit', 's3://shelf/shots/a/', '-o', 'out', '--json']);
    expect(result.code).toBe(0);
    const written = await Promise.all(
      (await readdir(result.root, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => readFile(path.join(entry.parentPath, entry.name), 'utf8')),
    );
    for (const text of [result.stdout, result.stderr, ...written]) {
      expect(text).not.toContain(s3.env.AWS_SECRET_ACCESS_KEY);
      expect(text).not.toContain(SESSION_TOKEN);
    }
  });
});

describe('inputs and outputs in one bucket', () => {
  const writesOf = (from: number, key: string) =>
    s3.requests
      .slice(from)
      .filter((request) => request.key === key && request.method !== 'GET' && request.method !== 'HEAD');

  it('refuses, before anything is sent, an output that would be written over an input object', async () => {
    await s3.put('shelf', 'in-place-png/bottle.png', await fixture('bottle.png'));
    const from = s3.requests.length;
    const result = await run([
      'edit',
      's3://shelf/in-place-png/',
      '-o',
      's3://shelf/in-place-png/',
      '--state-dir',
      'state',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^photoroom: s3:\/\/shelf\/in-place-png\/bottle\.png would be written over the input s3:\/\/shelf\/in-place-png\/bottle\.png; inputs are never modified/,
    );
    expect(result.sent).toEqual([]);
    expect(writesOf(from, 'in-place-png/bottle.png')).toEqual([]);
  });

  it.each([
    // The output, its sidecar and the run log: as for a folder edited in place, or its output folder inside it.
    ['in place', 'in-place/', 's3://shelf/in-place/', 'ignored: 3 results of earlier runs'],
    ['into a prefix inside the input prefix', 'nest/', 's3://shelf/nest/out/', 'ignored: 3 in the output folder'],
  ])(
    'edited %s, a rerun takes none of its results or records as input and sends nothing',
    async (_, prefix, out, ignored) => {
      await s3.put('shelf', `${prefix}mug.jpg`, await fixture('mug.jpg'));
      const args = ['edit', `s3://shelf/${prefix}`, '-o', out, '--state-dir', 'state'];
      const first = await run(args);
      expect(first.code).toBe(0);
      expect(uploadedNames(first.sent)).toEqual(['mug.jpg']);
      const again = await run(args, { root: first.root });
      expect(again.code).toBe(0);
      expect(uploadedNames(again.sent)).toEqual([]);
      expect(again.stderr).toContain(`0 ok, 1 skipped, 0 failed (${ignored};`);
    },
  );
});

describe('bad storage inputs: one line, exit 2, nothing sent', () => {
  it.each([
    ['a missing bucket', ['s3://no-such-bucket/x/'], {}, /^photoroom: s3:\/\/no-such-bucket\/x\/: no such bucket/],
    ['denied listing', ['s3://shelf/products/'], {}, /s3:\/\/shelf\/products\/: access denied/],
    [
      'an unreachable endpoint',
      ['s3://shelf/products/'],
      { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' },
      /does not answer/,
    ],
    [
      'a key with ..',
      ['s3://shelf/a/../x.jpg'],
      {},
      /s3:\/\/shelf\/a\/\.\.\/x\.jpg: it holds a '\.' or '\.\.' segment/,
    ],
    [
      'an empty prefix',
      ['s3://shelf/empty/'],
      {},
      /s3:\/\/shelf\/empty\/: no objects under this prefix; check the prefix \(keys are case-sensitive\)/,
    ],
    ['a missing object', ['s3://shelf/products/nope.jpg'], {}, /no such object, and no objects under it as a prefix/],
    ['a glob matching nothing', ['s3://shelf/products/**/*.gif'], {}, /no objects match this pattern/],
  ] as const)('%s', async (name, inputs, env, message) => {
    s3.deny = name === 'denied listing' ? (request) => request.key === '' : null;
    try {
      const result = await run(['edit', ...inputs, '-o', 'out'], { env });
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
      expect(result.sent).toEqual([]);
    } finally {
      s3.deny = null;
    }
  });

  it('a store that takes the connection and never answers: the run ends after --timeout, exit 2', async () => {
    s3.stall = (request) => request.bucket === 'shelf' && request.key === '';
    try {
      const result = await run(['edit', 's3://shelf/products/', '-o', 'out', '--timeout', '1'], {
        env: { AWS_MAX_ATTEMPTS: '1' },
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^photoroom: s3:\/\/shelf\/products\/: the storage endpoint http:\/\/127\.0\.0\.1:\d+ does not answer/,
      );
      expect(result.sent).toEqual([]);
    } finally {
      s3.stall = null;
    }
  });

  it('photoroom check does not read object storage', async () => {
    const result = await run(['check', 's3://shelf/products/', '--preset', 'amazon']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/not read by this command; copy them down first/);
  });
});

function discovery(storage: ObjectStorage) {
  return {
    skipFolders: [],
    extensions: ['jpg', 'jpeg', 'png', 'webp'],
    cwd: '/',
    storage: () => Promise.resolve(storage),
  };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
