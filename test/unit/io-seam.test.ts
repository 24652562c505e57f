/**
 * The `Io` seam holds for runs of `main(argv, io)` in-process, several at once: what a run
 * takes from its surroundings (working folder, temporary folder, the key to mask) comes from
 * its own `Io`, never from the process the test runs in or from another run.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/api/client.js';
import { runBatch } from '../../src/batch/run.js';
import { processHost } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { buildParamSet } from '../../src/params/paramset.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
import { startHostileServer } from '../support/hostile-server.js';
import { memoryIo } from '../support/memory-io.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/products');

let emulator: RunningEmulator;
let work: string;

beforeAll(async () => {
  emulator = await startEmulator({ record: true });
  work = await mkdtemp(path.join(tmpdir(), 'photoroom-seam-'));
});

afterAll(async () => {
  await emulator.close();
  await rm(work, { recursive: true, force: true });
});

/** A folder of its own under the test's work folder, holding copies of `fixtures`. */
async function folderWith(name: string, fixtures: readonly string[]): Promise<string> {
  const folder = path.join(work, name);
  await mkdir(folder);
  for (const fixture of fixtures) await copyFile(path.join(FIXTURES, fixture), path.join(folder, fixture));
  return folder;
}

describe('the working folder of an in-process run', () => {
  it("is where relative file parameters are read from, not the process's", async () => {
    const cwd = await folderWith('relative-params', ['mug.jpg', 'bottle.png']);
    expect(process.cwd()).not.toBe(cwd);
    const io = memoryIo({
      cwd,
      env: { PHOTOROOM_API_KEY: 'sk_test_relative_params', PHOTOROOM_BASE_URL: emulator.url },
    });
    const before = emulator.requests.length;
    const code = await main(['edit', 'mug.jpg', '--background.imageFile', 'bottle.png', '-o', 'out', '--yes'], io);
    expect(code, io.err()).toBe(0);
    const [request] = emulator.requests.slice(before);
    const bottle = await readFile(path.join(cwd, 'bottle.png'));
    expect(request?.fields).toContainEqual([
      'background.imageFile',
      expect.objectContaining({ filename: 'bottle.png', size: bottle.length }),
    ]);
    const sidecar = JSON.parse(await readFile(path.join(cwd, 'out', 'mug.png.json'), 'utf8')) as {
      request: { fields: unknown[] };
    };
    const sha256: unknown = expect.stringMatching(/^[0-9a-f]{64}$/);
    expect(sidecar.request.fields).toContainEqual(['background.imageFile', { file: 'bottle.png', sha256 }]);
  });

  it('is where --config is found, and a config file names files relative to itself', async () => {
    const cwd = await folderWith('relative-config', ['mug.jpg']);
    await mkdir(path.join(cwd, 'settings'));
    await copyFile(path.join(FIXTURES, 'bottle.png'), path.join(cwd, 'settings', 'backdrop.png'));
    await writeFile(
      path.join(cwd, 'settings', 'rc.json'),
      JSON.stringify({ edit: { background: { imageFile: 'backdrop.png' } } }),
    );
    const io = memoryIo({
      cwd,
      env: { PHOTOROOM_API_KEY: 'sk_test_relative_config', PHOTOROOM_BASE_URL: emulator.url },
    });
    const before = emulator.requests.length;
    expect(await main(['edit', 'mug.jpg', '--config', 'settings/rc.json', '-o', 'out', '--yes'], io), io.err()).toBe(0);
    expect(emulator.requests[before]?.fields).toContainEqual([
      'background.imageFile',
      expect.objectContaining({ filename: 'backdrop.png' }),
    ]);

    await writeFile(path.join(cwd, 'settings', 'torn.json'), '{\n  "edit": {\n');
    const torn = memoryIo({ cwd, env: {} });
    expect(await main(['edit', 'mug.jpg', '--config', 'settings/torn.json', '-o', 'out'], torn)).toBe(2);
    expect(torn.err()).toMatch(/settings\/torn\.json, line 3: /);
  });
});

describe('the temporary folder of an in-process run', () => {
  /** A TIFF, which no endpoint takes: it is converted to PNG through the temporary folder. */
  async function tiffFolder(name: string): Promise<string> {
    const cwd = await folderWith(name, []);
    await sharp({ create: { width: 12, height: 8, channels: 3, background: '#c08040' } })
      .tiff()
      .toFile(path.join(cwd, 'scan.tiff'));
    return cwd;
  }

  const env = { PHOTOROOM_API_KEY: 'sk_test_temporary_folder', PHOTOROOM_BASE_URL: '' };

  it('holds the converted copy of an input, and nothing once the run is over', async () => {
    const cwd = await tiffFolder('convert-in-own-tmp');
    const own = path.join(cwd, 'tmp');
    await mkdir(own);
    const io = memoryIo({ cwd, tmpdir: own, env: { ...env, PHOTOROOM_BASE_URL: emulator.url } });
    const code = await main(['edit', 'scan.tiff', '-o', 'out', '--yes'], io);
    expect(code, io.err()).toBe(0);
    expect(io.err()).toContain('TIFF images are converted to PNG');
    expect(await readdir(own)).toEqual([]);

    // The same run with a temporary folder that is not there fails that input, naming the folder.
    const missing = path.join(cwd, 'no-tmp');
    const refused = memoryIo({ cwd, tmpdir: missing, env: { ...env, PHOTOROOM_BASE_URL: emulator.url } });
    expect(await main(['edit', 'scan.tiff', '-o', 'out-2', '--yes'], refused)).not.toBe(0);
    expect(refused.err()).toContain(
      `could not be converted: ENOENT: no such file or directory, mkdtemp '${missing}/photoroom-convert-`,
    );
  });

  it('holds the result of -o - until standard output takes it', async () => {
    const cwd = await folderWith('stdout-in-own-tmp', ['mug.jpg']);
    const own = path.join(cwd, 'tmp');
    await mkdir(own);
    const io = memoryIo({ cwd, tmpdir: own, env: { ...env, PHOTOROOM_BASE_URL: emulator.url } });
    expect(await main(['edit', 'mug.jpg', '-o', '-', '--yes'], io), io.err()).toBe(0);
    expect(io.out().length).toBeGreaterThan(0);
    expect(await readdir(own)).toEqual([]);

    const missing = path.join(cwd, 'no-tmp');
    const refused = memoryIo({ cwd, tmpdir: missing, env: { ...env, PHOTOROOM_BASE_URL: emulator.url } });
    expect(await main(['edit', 'mug.jpg', '-o', '-', '--yes'], refused)).not.toBe(0);
    expect(refused.err()).toContain(missing);
  });
});

describe('two runs in one process, each with its own key', () => {
  /** Stored text of a run: its run log and sidecars. */
  async function storedText(folder: string): Promise<string> {
    const files = (await readdir(folder, { recursive: true })).filter((file) => /\.jsonl?$/.test(file));
    expect(files.length).toBeGreaterThanOrEqual(2); // the run log and a sidecar
    return (await Promise.all(files.map((file) => readFile(path.join(folder, file), 'utf8')))).join('\n');
  }

  it("mask each their own key in their streams, run log and sidecars, and nothing of the other's", async () => {
    // A server that quotes the key it gets: in a 400's message, then in an image's pr-* headers.
    const png = await readFile(path.join(FIXTURES, 'bottle.png'));
    const servers = await Promise.all(
      [0, 1].map(() =>
        startHostileServer([
          { kind: 'echo-key', status: 400 },
          { kind: 'echo-key-image', body: png },
        ]),
      ),
    );
    // Each run's second input is named after the other run's key: that key is ordinary text in this run.
    const runs = [
      { key: 'sk_live_holiday-mug-2026', input: 'blue-vase-2026' },
      { key: 'sk_live_blue-vase-2026', input: 'holiday-mug-2026' },
    ].map(({ key, input }, i) => ({ key, input, server: servers[i]!, cwd: path.join(work, `own-key-${i}`) }));
    try {
      const ios = await Promise.all(
        runs.map(async ({ key, input, server, cwd }) => {
          await mkdir(path.join(cwd, 'in'), { recursive: true });
          for (const name of ['a-first', input])
            await copyFile(path.join(FIXTURES, 'bottle.png'), path.join(cwd, 'in', `${name}.png`));
          return memoryIo({ cwd, env: { PHOTOROOM_API_KEY: key, PHOTOROOM_BASE_URL: server.url } });
        }),
      );
      const codes = await Promise.all(
        ios.map((io) =>
          main(['edit', 'in', '-o', 'out', '--yes', '--retries', '0', '--concurrency', '1', '--no-progress'], io),
        ),
      );
      for (const [i, run] of runs.entries()) {
        const io = ios[i]!;
        expect(codes[i], io.err()).toBe(1);
        expect(run.server.imageRequests().map((request) => request.apiKey)).toEqual([run.key, run.key]);
        const stored = await storedText(path.join(run.cwd, 'out'));
        for (const text of [io.out() + io.err(), stored]) {
          expect(text).toContain('invalid key ***');
          for (const other of runs) expect(text).not.toContain(other.key);
          expect(text).toContain(`${run.input}.png`);
        }
      }
    } finally {
      await Promise.all(servers.map((server) => server.close()));
    }
  });
});

describe("a library user's run, in a working folder not the process's", () => {
  it('reads relative inputs and file parameters, and writes a relative output folder, from BatchOptions.cwd', async () => {
    const cwd = await folderWith('library-relative', ['mug.jpg', 'bottle.png']);
    const client = createClient({
      apiKey: 'sk_test_library_relative',
      baseUrl: emulator.url,
      connections: 1,
      timeoutMs: 10_000,
    });
    const { params } = buildParamSet(
      'edit',
      [{ name: 'background.imageFile', value: 'bottle.png', source: 'script' }],
      { hasInputImage: true },
    );
    const before = emulator.requests.length;
    try {
      const batch = runBatch({
        endpoint: 'edit',
        inputs: ['mug.jpg'],
        cwd,
        outDir: 'out',
        params,
        client,
        host: processHost(),
        settings: { concurrency: 1, retries: 0, yes: true },
      });
      expect(await batch.done).toMatchObject({ ok: 1, failed: 0 });
    } finally {
      await client.close();
    }
    const bottle = await readFile(path.join(cwd, 'bottle.png'));
    expect(emulator.requests[before]?.fields).toContainEqual([
      'background.imageFile',
      expect.objectContaining({ filename: 'bottle.png', size: bottle.length }),
    ]);
    expect(await readdir(path.join(cwd, 'out'))).toContain('mug.png');
  });
});
