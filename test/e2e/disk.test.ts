/**
 * Traps on disk, against the CLI (in-process, or spawned where the disk is the point): a
 * full or read-only output disk (a real tmpfs, mounted in a mount namespace of the CLI's
 * own), symbolic links that would lead writes onto the inputs or out of the output
 * folder, names too long for the file system, an output folder removed mid-run, a torn run
 * log and damaged sidecars.
 */
import { mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { TEMP_PREFIX } from '../../src/store/outputs.js';
import { runInProcess, startInProcess } from '../support/in-process.js';
import {
  BIN,
  emulatorEnv,
  listenOnLoopback,
  recordingEmulator,
  runProgram,
  tempDir,
  type CliResult,
} from './harness.js';

let emulator: RunningEmulator;
let png: Buffer;
/** About 30 KB of noise: it does not compress, so a few of them fill a small disk. */
let noisy: Buffer;

beforeAll(async () => {
  emulator = await recordingEmulator({ echo: true });
  png = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#806040' } })
    .png()
    .toBuffer();
  const noise = Buffer.alloc(96 * 96 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
  noisy = await sharp(noise, { raw: { width: 96, height: 96, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
});

afterAll(async () => {
  await emulator.close();
});

const editRequests = () => emulator.requests.filter((request) => request.path === '/v2/edit').length;

async function project(files: Record<string, Buffer>): Promise<string> {
  const root = await tempDir();
  for (const [name, bytes] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), bytes);
  }
  return root;
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();
}

/**
 * Runs the CLI with `out` on a fresh tmpfs of `sizeKb`, in a mount namespace of its own
 * (gone when it exits, so nothing is left mounted); `readOnly` remounts it read-only
 * first. What the CLI left on that disk is copied to `copy` before the namespace ends.
 */
function runOnSmallDisk(
  root: string,
  args: string[],
  disk: { out: string; sizeKb: number; readOnly?: boolean; copy: string },
): Promise<CliResult> {
  const script = [
    'mount -t tmpfs -o size="$SIZE"k tmpfs "$OUT"',
    ...(disk.readOnly ? ['mount -o remount,ro "$OUT"'] : []),
    '"$@"; code=$?',
    'cp -a "$OUT"/. "$COPY"/',
    'exit $code',
  ].join(' && ');
  const asRoot = process.getuid?.() === 0 ? [] : ['--map-root-user'];
  return runProgram('unshare', ['--mount', ...asRoot, 'sh', '-c', script, 'sh', process.execPath, BIN, ...args], {
    cwd: root,
    env: { ...emulatorEnv(emulator), OUT: disk.out, SIZE: String(disk.sizeKb), COPY: disk.copy },
  });
}

describe('an output disk that refuses results', () => {
  it('stops new work at once when the disk is full, with a clear message and a whole run log', async () => {
    const inputs = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`in/n${String(i).padStart(2, '0')}.png`, noisy]),
    );
    const root = await project(inputs);
    const out = path.join(root, 'out');
    const copy = path.join(root, 'copy');
    await mkdir(out);
    await mkdir(copy);
    const before = editRequests();
    const { code, stderr } = await runOnSmallDisk(
      root,
      ['edit', 'in', '-o', out, '--yes', '--concurrency', '2', '--no-progress'],
      {
        out,
        sizeKb: 160,
        copy,
      },
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/no space left on the device \(ENOSPC\)/);
    expect(stderr).toContain('stopped');
    expect(stderr).not.toContain('unexpected error');
    expect(stderr).not.toMatch(/\n\s+at /);
    const left = await filesUnder(copy);
    const outputs = left.filter((file) => file.endsWith('.png'));
    expect(outputs.length).toBeLessThan(30);
    // Every request after the disk filled was one too many: only those in flight may follow.
    expect(editRequests() - before).toBeLessThanOrEqual(outputs.length + 3);
    expect(left.filter((file) => path.basename(file).startsWith(TEMP_PREFIX))).toEqual([]);
    // An output whose sidecar no longer fit is whole but unrecorded: a rerun redoes it.
    expect(outputs.filter((output) => !left.includes(`${output}.json`)).length).toBeLessThanOrEqual(2);
    for (const output of outputs) expect((await sharp(path.join(copy, output)).metadata()).format).toBe('png');
    const log = await readFile(path.join(copy, 'photoroom-run.jsonl'), 'utf8').catch(() => '');
    for (const line of log.split('\n').filter(Boolean)) expect((): unknown => JSON.parse(line), line).not.toThrow();
  });

  it('sends nothing when the output disk is read-only', async () => {
    const root = await project({ 'in/a.png': png });
    const out = path.join(root, 'out');
    const copy = path.join(root, 'copy');
    await mkdir(out);
    await mkdir(copy);
    const before = editRequests();
    const { code, stderr } = await runOnSmallDisk(root, ['edit', 'in', '-o', out, '--yes', '--no-progress'], {
      out,
      sizeKb: 64,
      readOnly: true,
      copy,
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/results cannot be written there: read-only file system \(EROFS\)/);
    expect(stderr).not.toContain('unexpected error');
    expect(editRequests() - before).toBe(0);
  });
});

describe('inputs are never written', () => {
  it('refuses an output folder that is a link to the input folder', async () => {
    const root = await project({ 'proj/a.png': png, 'proj/b.png': png });
    await symlink(path.join(root, 'proj'), path.join(root, 'proj-out'));
    const before = editRequests();
    const { code, stderr } = await runInProcess(['edit', 'proj', '-o', 'proj-out', '--yes'], {
      cwd: root,
      env: emulatorEnv(emulator),
    });
    expect(code).toBe(2);
    expect(stderr).toContain('would be written over the input');
    expect(editRequests() - before).toBe(0);
    expect(await readFile(path.join(root, 'proj/a.png'))).toEqual(png);
  });

  it('never writes through a folder inside the output folder that links out of it', async () => {
    const root = await project({ 'in/sub/a.png': png, 'elsewhere/keep.txt': Buffer.from('mine') });
    await mkdir(path.join(root, 'out'));
    await symlink(path.join(root, 'elsewhere'), path.join(root, 'out/sub'));
    const { code, stderr } = await runInProcess(['edit', 'in', '-o', 'out', '--yes'], {
      cwd: root,
      env: emulatorEnv(emulator),
    });
    expect(code).toBe(2);
    expect(stderr).toContain('out/sub is a symbolic link out of the output folder');
    expect(stderr).toContain('outputs are never written through it: remove the link, or choose another --out folder');
    expect(await readdir(path.join(root, 'elsewhere'))).toEqual(['keep.txt']);
  });

  it('never writes the run log through a symbolic link', async () => {
    const root = await project({ 'in/a.png': png, 'victim.txt': Buffer.from('precious') });
    await mkdir(path.join(root, 'out'));
    await symlink(path.join(root, 'victim.txt'), path.join(root, 'out/photoroom-run.jsonl'));
    const { code, stderr } = await runInProcess(['edit', 'in', '-o', 'out', '--yes'], {
      cwd: root,
      env: emulatorEnv(emulator),
    });
    expect(code).toBe(2);
    expect(stderr).toContain('the run log is never written through one');
    expect(await readFile(path.join(root, 'victim.txt'), 'utf8')).toBe('precious');
  });
});

describe('names and folders', () => {
  it('shortens a name too long for the file system, the same way on every run', async () => {
    const long = `${'é'.repeat(120)}-${'x'.repeat(10)}.jpg`; // 251 bytes: the .png.json sidecar would not fit
    const root = await project({ [`in/${long}`]: await sharp(png).jpeg().toBuffer() });
    const first = await runInProcess(['edit', 'in', '-o', 'out', '--yes', '--json'], {
      cwd: root,
      env: emulatorEnv(emulator),
    });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const written = await filesUnder(path.join(root, 'out'));
    expect(written).toHaveLength(3);
    for (const name of written) expect(Buffer.byteLength(path.basename(name))).toBeLessThanOrEqual(255);
    const before = editRequests();
    const rerun = await runInProcess(['edit', 'in', '-o', 'out', '--yes', '--json'], {
      cwd: root,
      env: emulatorEnv(emulator),
    });
    expect(rerun.code).toBe(0);
    expect(editRequests() - before).toBe(0);
  });

  it('makes the output folder again when it is removed mid-run', async () => {
    // The first answer comes at once; the others wait until the folder is gone: no timing.
    let release = () => {};
    const removed = new Promise<void>((resolve) => (release = resolve));
    let answered = 0;
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        const answer = () => response.writeHead(200, { 'content-type': 'image/png' }).end(png);
        if (answered++ === 0) answer();
        else void removed.then(answer);
      });
    });
    const gated = await listenOnLoopback(server);
    try {
      const inputs = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`in/sub/p${i}.png`, png]));
      const root = await project(inputs);
      const running = startInProcess(['edit', 'in', '-o', 'out', '--yes', '--concurrency', '1', '--json'], {
        cwd: root,
        env: { PHOTOROOM_API_KEY: 'sk_test_e2e', PHOTOROOM_BASE_URL: gated.url },
      });
      await running.printed('"status":"ok"');
      await rm(path.join(root, 'out/sub'), { recursive: true, force: true });
      release();
      const { code } = await running.done;
      expect(code).toBe(0);
      const left = await filesUnder(path.join(root, 'out/sub'));
      expect(left.length).toBeGreaterThan(0);
      expect(left.filter((file) => path.basename(file).startsWith(TEMP_PREFIX))).toEqual([]);
    } finally {
      await gated.close();
    }
  });
});

describe('what an earlier run left', () => {
  it('cuts a torn last line of the run log before appending', async () => {
    const root = await project({ 'in/a.png': png });
    await mkdir(path.join(root, 'out'));
    await writeFile(path.join(root, 'out/photoroom-run.jsonl'), '{"status":"ok","input":"old.png"}\n{"status":"o');
    const { code } = await runInProcess(['edit', 'in', '-o', 'out', '--yes'], {
      cwd: root,
      env: emulatorEnv(emulator),
    });
    expect(code).toBe(0);
    const lines = (await readFile(path.join(root, 'out/photoroom-run.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect((): unknown => JSON.parse(line)).not.toThrow();
  });

  it('redoes an input whose sidecar is damaged, without crashing', async () => {
    const root = await project({ 'in/a.png': png, 'in/b.png': png });
    const first = await runInProcess(['edit', 'in', '-o', 'out', '--yes'], { cwd: root, env: emulatorEnv(emulator) });
    expect(first.code).toBe(0);
    await writeFile(path.join(root, 'out/a.png.json'), '{"version":1,"input":{"path":"in/a.png"}}');
    await writeFile(path.join(root, 'out/b.png.json'), '{"version":1, "inp');
    const before = editRequests();
    const rerun = await runInProcess(['edit', 'in', '-o', 'out', '--yes', '--no-progress'], {
      cwd: root,
      env: emulatorEnv(emulator),
    });
    expect(rerun.stderr).not.toContain('unexpected error');
    expect(rerun.code).toBe(0);
    expect(editRequests() - before).toBe(2);
    expect((await stat(path.join(root, 'out/a.png.json'))).size).toBeGreaterThan(100);
  });
});
