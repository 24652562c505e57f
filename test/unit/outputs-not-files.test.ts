/**
 * Outputs that are not files: a FIFO, a socket, a device or a link where a result, its
 * sidecar or the run log goes (real file-system traps, all inside a temporary folder), and
 * a result delivered on to standard output, which may refuse it.
 */
import { execFileSync } from 'node:child_process';
import { constants, symlinkSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, open, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BatchEvent, ResultEvent, SummaryEvent } from '../../src/batch/events.js';
import type { BatchOptions } from '../../src/batch/run.js';
import { LocalFault } from '../../src/errors.js';
import { OutputFolder } from '../../src/store/outputs.js';
import { openRunLog } from '../../src/store/runlog.js';
import { Redactor } from '../../src/secrets.js';
import { readRunLogHistory } from '../../src/store/runlog-history.js';
import { readSidecar } from '../../src/store/sidecar.js';
import { createFakeClient, type FakeClient } from '../support/fake-client.js';
import { FakeTiming } from '../support/fake-time.js';
import { editInToOut } from '../support/folder-batch.js';

let png: Buffer;
const servers: Server[] = [];

beforeAll(async () => {
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#208040' } })
    .png()
    .toBuffer();
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function folder(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'photoroom-not-files-'));
}

function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

async function unixSocket(file: string): Promise<void> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(file, resolve));
}

/** A FIFO's reader, freed: opening its writing end without blocking gives a blocked reader its end of file. */
async function freeReaders(fifo: string): Promise<void> {
  const writer = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => null);
  await writer?.close();
}

/**
 * `promise`'s outcome, or 'blocked' when it came only after `fifo`'s reader was freed: a
 * thread held by the FIFO. The reader is freed after 10 s, far beyond any busy machine's delay
 * for work that never waits on the FIFO, and well within the test's time.
 */
function withoutBlocking<T>(promise: Promise<T>, fifo: string): Promise<T | 'blocked'> {
  let freed = false;
  const timer = setTimeout(() => {
    freed = true;
    void freeReaders(fifo);
  }, 10_000);
  return promise
    .then(
      (value) => (freed ? 'blocked' : value),
      (error: unknown): 'blocked' => {
        if (freed) return 'blocked';
        throw error;
      },
    )
    .finally(() => clearTimeout(timer));
}

/** The images of `root`/in to `root`/out, every answer the PNG, on a fake clock. */
async function batchOfIn(
  root: string,
  options: Partial<BatchOptions> = {},
): Promise<{ summary: SummaryEvent; events: BatchEvent[]; client: FakeClient }> {
  const timing = new FakeTiming();
  const client = createFakeClient({
    timing,
    answer: () => ({ status: 200, headers: { 'content-type': 'image/png' }, body: png }),
  });
  const batch = editInToOut(root, client, timing, options);
  const events: BatchEvent[] = [];
  batch.on('event', (event) => events.push(event));
  return { summary: await timing.drive(batch.done), events, client };
}

describe('an output that is not a file', () => {
  it.each([
    ['a FIFO', (file: string) => Promise.resolve(mkfifo(file))],
    ['a socket', unixSocket],
    ['a symbolic link', (file: string) => symlink('/proc/self/fd/1', file)],
  ])('is never renamed over by the atomic writer when it is %s', async (kind, make) => {
    const root = await folder();
    const output = path.join(root, 'x.png');
    await make(output);
    const before = await lstat(output);
    const written = new OutputFolder(root, { hostname: 'test', pid: 1 }).write(output, png);
    await expect(written).rejects.toThrow(LocalFault);
    await expect(written).rejects.toThrow(`cannot write ${output}: it is ${kind}, not a file`);
    const after = await lstat(output);
    expect([after.ino, after.mode]).toEqual([before.ino, before.mode]);
    expect(await readdir(root)).toEqual(['x.png']);
  });

  it('fails that input before it is sent when the output folder holds a FIFO or a socket by its name, and does the others', async () => {
    const root = await folder();
    await mkdir(path.join(root, 'in'));
    await mkdir(path.join(root, 'out'));
    for (const name of ['a', 'b', 'c']) await writeFile(path.join(root, 'in', `${name}.png`), png);
    mkfifo(path.join(root, 'out', 'a.png'));
    await unixSocket(path.join(root, 'out', 'b.png.json'));
    const { summary, events, client } = await batchOfIn(root);
    expect(summary).toMatchObject({ ok: 1, failed: 2 });
    const failed = events.filter((event): event is ResultEvent => event.type === 'result' && event.status === 'failed');
    expect(failed.map((event) => event.error).sort()).toEqual([
      'out/a.png is a FIFO, not a file: results replace only regular files; remove it',
      'out/b.png.json is a socket, not a file: results replace only regular files; remove it',
    ]);
    expect(client.calls.map((call) => path.basename(call.input))).toEqual(['c.png']);
    expect((await lstat(path.join(root, 'out', 'a.png'))).isFIFO()).toBe(true);
    expect((await lstat(path.join(root, 'out', 'b.png.json'))).isSocket()).toBe(true);
  });

  it.each([
    ['output', 'a.png'],
    ['sidecar', 'a.png.json'],
  ])("is never renamed over when a link takes the %s's place while the request is in flight", async (_place, name) => {
    const root = await folder();
    await mkdir(path.join(root, 'in'));
    await mkdir(path.join(root, 'out'));
    await writeFile(path.join(root, 'in', 'a.png'), png);
    const precious = path.join(root, 'precious.txt');
    await writeFile(precious, 'keep me');
    const place = path.join(root, 'out', name);
    const timing = new FakeTiming();
    const client = createFakeClient({
      timing,
      answer: () => {
        // After the look before sending, before the answer is written.
        symlinkSync(precious, place);
        return { status: 200, headers: { 'content-type': 'image/png' }, body: png };
      },
    });
    const batch = editInToOut(root, client, timing, { settings: { retries: 0 } });
    const results: ResultEvent[] = [];
    batch.on('event', (event) => {
      if (event.type === 'result') results.push(event);
    });
    await timing.drive(batch.done);
    expect((await lstat(place)).isSymbolicLink()).toBe(true);
    expect(await readFile(precious, 'utf8')).toBe('keep me');
    expect(results).toMatchObject([
      { status: 'failed', error: expect.stringContaining('results replace only regular files') as unknown },
    ]);
  });

  it('reads a FIFO named like a sidecar as no sidecar, without waiting for a writer', async () => {
    const fifo = path.join(await folder(), 'x.png.json');
    mkfifo(fifo);
    try {
      expect(await withoutBlocking(readSidecar(fifo), fifo)).toBeNull();
    } finally {
      await freeReaders(fifo);
    }
  });

  it('refuses a run log that is a FIFO or a device, before anything is sent', async () => {
    const root = await folder();
    const fifo = path.join(root, 'photoroom-run.jsonl');
    mkfifo(fifo);
    try {
      await expect(withoutBlocking(openRunLog(fifo, new Redactor()), fifo)).rejects.toThrow(
        `${fifo} is a FIFO: the run log is written only to a regular file; remove it`,
      );
    } finally {
      await freeReaders(fifo);
    }
    await expect(openRunLog('/dev/null', new Redactor())).rejects.toThrow(
      '/dev/null is a character device: the run log is written only to a regular file',
    );
  });

  it('reads back a run log that is a FIFO as a fault, without waiting for a writer (the review page)', async () => {
    const root = await folder();
    const fifo = path.join(root, 'photoroom-run.jsonl');
    mkfifo(fifo);
    try {
      await expect(withoutBlocking(readRunLogHistory(root), fifo)).rejects.toThrow(
        `cannot read ${fifo}: it is a FIFO, not a file`,
      );
    } finally {
      await freeReaders(fifo);
    }
  });

  it('reads back a run log that is a folder as a fault that says so', async () => {
    const root = await folder();
    const log = path.join(root, 'photoroom-run.jsonl');
    await mkdir(log);
    await expect(readRunLogHistory(root)).rejects.toThrow(`cannot read ${log}: it is a folder, not a file`);
  });
});

describe('-o - reports success before stdout took it', () => {
  it('fails an input whose delivery is refused: a failed result, run-log line and summary, no sidecar', async () => {
    const root = await folder();
    await mkdir(path.join(root, 'in'));
    await writeFile(path.join(root, 'in', 'a.png'), png);
    const delivered: Buffer[] = [];
    const refusal = 'standard output refused the image: no space left on the device (ENOSPC)';
    const { summary, events } = await batchOfIn(root, {
      deliver: async (file) => {
        delivered.push(await readFile(file));
        throw new LocalFault(refusal, { code: 'ENOSPC' });
      },
    });
    expect(delivered).toEqual([png]);
    expect(summary).toMatchObject({ ok: 0, failed: 1, requests: 1, failures: [{ input: 'in/a.png', error: refusal }] });
    expect(events.filter((event) => event.type === 'result').map((event) => event.status)).toEqual(['failed']);
    const log = (await readFile(path.join(root, 'out', 'photoroom-run.jsonl'), 'utf8')).trim().split('\n');
    expect(log.map((line) => (JSON.parse(line) as { status: string }).status)).toEqual(['failed']);
    expect(await readdir(path.join(root, 'out'))).not.toContain('a.png.json');
  });
});
