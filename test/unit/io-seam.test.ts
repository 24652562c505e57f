/**
 * The `Io` seam holds for runs of `main(argv, io)` in-process, several at once: what a run
 * takes from its surroundings (working folder, temporary folder, the key to mask) comes from
 * its own `Io`, never from the process the test runs in.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/server.js';
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
  it('is where relative file parameters are read from, not the process\'s', async () => {
    const cwd = await folderWith('relative-params', ['mug.jpg', 'bottle.png']);
    expect(process.cwd()).not.toBe(cwd);
    const io = memoryIo({ cwd, env: { PHOTOROOM_API_KEY: 'sk_test_relative_params', PHOTOROOM_BASE_URL: emulator.url } });
    const before = emulator.requests.length;
    const code = await main(['edit', 'mug.jpg', '--background.imageFile', 'bottle.png', '-o', 'out', '--yes'], io);
    expect(code, io.err()).toBe(0);
    const [request] = emulator.requests.slice(before);
    const bottle = await readFile(path.join(cwd, 'bottle.png'));
    expect(request?.fields).toContainEqual(['background.imageFile', expect.objectContaining({ filename: 'bottle.png', size: bottle.length })]);
    const sidecar = JSON.parse(await readFile(path.join(cwd, 'out', 'mug.png.json'), 'utf8')) as { request: { fields: unknown[] } };
    expect(sidecar.request.fields).toContainEqual(['background.imageFile', { file: 'bottle.png', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  });
});

describe('the temporary folder of an in-process run', () => {
  /** A TIFF, which no endpoint takes: it is converted to PNG through the temporary folder. */
  async function tiffFolder(name: string): Promise<string> {
    const cwd = await folderWith(name, []);
    await sharp({ create: { width: 12, height: 8, channels: 3, background: '#c08040' } }).tiff().toFile(path.join(cwd, 'scan.tiff'));
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
    expect(refused.err()).toContain(`could not be converted: ENOENT: no such file or directory, mkdtemp '${missing}/photoroom-convert-`);
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
