/**
 * --watch in the engine, on the fake clock: the watcher is scripted (what it reports, when)
 * or real on a real folder, and the fake client's answers take as long as each test needs,
 * so that the order things happen in is fixed, never a matter of wall-clock margins.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { BatchEvent, SummaryEvent } from '../../src/batch/events.js';
import { OnePerOutput } from '../../src/batch/one-per-output.js';
import type { BatchOptions } from '../../src/batch/run.js';
import { createFakeClient, type FakeClientOptions } from '../support/fake-client.js';
import { FakeTiming } from '../support/fake-time.js';
import { editInToOut } from '../support/folder-batch.js';
import { ScriptedWatch } from '../support/scripted-watch.js';

async function watchedBatch(
  client: Omit<FakeClientOptions, 'timing'>,
  options: {
    /** The watch's settle time (ms), and the scripted watch, if any. */
    watch: { settleMs: number; start?: BatchOptions['startWatch'] };
    stopAt: (event: BatchEvent, events: BatchEvent[]) => boolean;
    onEvent?: (event: BatchEvent, root: string) => void;
    /** Makes what the input folder holds before the batch starts. */
    prepare?: (folder: string) => Promise<void>;
  },
) {
  const timing = new FakeTiming();
  const root = await mkdtemp(path.join(tmpdir(), 'photoroom-engine-watch-'));
  await mkdir(path.join(root, 'in'));
  await options.prepare?.(path.join(root, 'in'));
  const fake = createFakeClient({ timing, ...client });
  const controller = new AbortController();
  const batch = editInToOut(root, fake, timing, {
    signal: controller.signal,
    startWatch: options.watch.start,
    settings: { retries: 1, watch: true, watchSettle: options.watch.settleMs },
  });
  const events: BatchEvent[] = [];
  batch.on('event', (event) => {
    events.push(event);
    options.onEvent?.(event, root);
    if (options.stopAt(event, events)) controller.abort();
  });
  const summary: SummaryEvent = await timing.drive(batch.done);
  return { summary, events, client: fake, root };
}

const colour = (background: string) =>
  sharp({ create: { width: 8, height: 8, channels: 3, background } })
    .png()
    .toBuffer();
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('one request per output at a time, the newest input last (--watch)', () => {
  it('sends a file changed while its request is in flight once more after it, newest version only, so the older answer never lands last', async () => {
    const [v1, v2, v3] = await Promise.all([colour('#ff0000'), colour('#00ff00'), colour('#0000ff')]);
    const watch = new ScriptedWatch();
    let input = '';
    const results = (events: BatchEvent[]) => events.filter((event) => event.type === 'result').length;
    const { summary, client, root } = await watchedBatch(
      {
        // The echo of what was sent; the first request is slow, any later one fast.
        answer: (call) => ({ status: 200, headers: { 'content-type': 'image/png' }, body: call.content }),
        latencyMs: (call) => (call.attempt === 1 ? 1000 : 10),
        // While the first version's request is in flight, the file is written twice more.
        refuse: (call) => {
          if (call.attempt !== 1) return undefined;
          for (const version of [v2, v3]) {
            writeFileSync(input, version);
            watch.tell({ kind: 'file', path: input });
          }
          return undefined;
        },
      },
      {
        watch: { settleMs: 0, start: () => Promise.resolve(watch) },
        onEvent: (event, root) => {
          if (event.type !== 'watching') return;
          input = path.join(root, 'in/a.png');
          writeFileSync(input, v1);
          watch.tell({ kind: 'file', path: input });
        },
        stopAt: (event, events) => event.type === 'result' && results(events) === 2,
      },
    );
    expect(await readFile(path.join(root, 'out/a.png'))).toEqual(v3);
    const sidecar = JSON.parse(await readFile(path.join(root, 'out/a.png.json'), 'utf8')) as {
      input: { sha256: string };
    };
    expect(sidecar.input.sha256).toBe(sha256(v3));
    expect(summary).toMatchObject({ ok: 2, failed: 0 });
    // Two requests, not three, and the second only once the first was answered.
    expect(client.calls.map((call) => sha256(call.content!))).toEqual([sha256(v1), sha256(v3)]);
    expect(client.calls[1]!.startedAt).toBeGreaterThanOrEqual(1000);
  });
});

describe('an input that fails, then succeeds once changed (--watch)', () => {
  it('counts it ok only: the summary lists no failure for it', async () => {
    const image = await colour('#ff0000');
    const watch = new ScriptedWatch();
    let input = '';
    let answered = 0;
    const { summary, client } = await watchedBatch(
      {
        // The first version, sent cut short, is refused; the whole one is answered.
        answer: (call) =>
          ++answered === 1
            ? { status: 400, body: '{"detail":"cannot read the image"}' }
            : { status: 200, headers: { 'content-type': 'image/png' }, body: call.content },
      },
      {
        watch: { settleMs: 0, start: () => Promise.resolve(watch) },
        onEvent: (event, root) => {
          if (event.type === 'watching') {
            input = path.join(root, 'in/a.png');
            writeFileSync(input, image.subarray(0, image.length >> 1));
            watch.tell({ kind: 'file', path: input });
          }
          if (event.type === 'result' && event.status === 'failed') {
            writeFileSync(input, image);
            watch.tell({ kind: 'file', path: input });
          }
        },
        stopAt: (event) => event.type === 'result' && event.status === 'ok',
      },
    );
    expect(client.calls).toHaveLength(2);
    expect(summary).toMatchObject({ ok: 1, failed: 0, failures: [], notProcessed: 0 });
  });
});

describe('the end of a watching run', () => {
  it('says its summary before it closes the watcher: one slow to close holds nothing back', async () => {
    const events: BatchEvent[] = [];
    const watch = new (class extends ScriptedWatch {
      summaryBeforeClose: boolean | null = null;
      override close(): Promise<void> {
        this.summaryBeforeClose = events.some((event) => event.type === 'summary');
        return Promise.resolve();
      }
    })();
    await watchedBatch(
      { answer: () => ({ status: 200, body: '' }) },
      {
        watch: { settleMs: 0, start: () => Promise.resolve(watch) },
        onEvent: (event) => events.push(event),
        stopAt: (event) => event.type === 'watching',
      },
    );
    expect(watch.summaryBeforeClose).toBe(true);
  });
});

describe('a watching run after an input failed', () => {
  it('goes on watching past --give-up-after: nothing waits to be retried, so nothing is given up on', async () => {
    const timing = new FakeTiming();
    const root = await mkdtemp(path.join(tmpdir(), 'photoroom-engine-watch-'));
    await mkdir(path.join(root, 'in'));
    await writeFile(path.join(root, 'in', 'a.png'), await colour('#ff0000'));
    const client = createFakeClient({ timing, answer: () => ({ status: 500 }) });
    const controller = new AbortController();
    const batch = editInToOut(root, client, timing, {
      signal: controller.signal,
      startWatch: () => Promise.resolve(new ScriptedWatch()),
      settings: { retries: 1, watch: true, watchSettle: 0, giveUpAfter: 600 },
    });
    batch.on('event', (event) => {
      // Ctrl-C an hour after the input failed (its three rounds took about a minute); the run ends on it, nobody waits.
      if (event.type === 'result') void timing.sleep(3_600_000).then(() => controller.abort());
    });
    const summary = await timing.drive(batch.done);
    expect(client.calls).toHaveLength(6);
    expect(summary).toMatchObject({ failed: 1, stopped: 'interrupted' });
  });
});

describe('--watch under odd folders', () => {
  it('stops with folders-gone, never hangs, when the only watched folder is removed', { timeout: 5000 }, async () => {
    const { summary, events } = await watchedBatch(
      { answer: () => ({ status: 200, body: '' }) },
      {
        watch: { settleMs: 50 },
        onEvent: (event, root) => event.type === 'watching' && void rm(path.join(root, 'in'), { recursive: true }),
        stopAt: () => false,
      },
    );
    expect(summary).toMatchObject({
      stopped: 'folders-gone',
      stopMessage: 'in: the watched folder was removed; it is no longer watched, and no watched folder is left',
    });
    expect(events.filter((event) => event.type === 'stop')).toHaveLength(1);
  });

  it('says a link loop once: the watch meets again what the first pass reported', async () => {
    const watch = new ScriptedWatch();
    const loop = 'in/loop: symbolic link loop back to in, not followed';
    const other = 'in/locked: cannot be watched (permission denied); the watch goes on without it';
    const { events } = await watchedBatch(
      { answer: () => ({ status: 200, body: '' }) },
      {
        prepare: (folder) => symlink('.', path.join(folder, 'loop')),
        watch: { settleMs: 50, start: () => Promise.resolve(watch) },
        onEvent: (event) => {
          if (event.type !== 'watching') return;
          for (const message of [loop, other]) watch.tell({ kind: 'warning', message });
        },
        stopAt: (event) => event.type === 'warning' && event.message === other,
      },
    );
    const warnings = events.filter((event) => event.type === 'warning').map((event) => event.message);
    expect(warnings).toEqual([loop, other]);
  });
});

describe('OnePerOutput', () => {
  it('runs work for one output one at a time, only the newest of the waiting, even after a failure', async () => {
    const perOutput = new OnePerOutput();
    const ran: string[] = [];
    let fail = () => {};
    const first = perOutput.run(
      'a.png',
      () => new Promise<void>((_, reject) => (fail = () => reject(new Error('lost')))),
    );
    const replaced = perOutput.run('a.png', () => Promise.resolve(void ran.push('replaced')));
    const newest = perOutput.run('a.png', () => Promise.resolve(void ran.push('newest')));
    const other = perOutput.run('b.png', () => Promise.resolve(void ran.push('other output')));
    await Promise.all([replaced, other]);
    expect(ran).toEqual(['other output']);
    fail();
    await expect(first).rejects.toThrow('lost');
    await newest;
    expect(ran).toEqual(['other output', 'newest']);
  });
});
