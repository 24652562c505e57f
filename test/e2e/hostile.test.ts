/**
 * The built CLI against a server that lies, stalls, echoes the key or never stops (see
 * test/support/hostile-server.ts): what our own emulator never does. Assertions on the
 * files on disk, the requests received, the exit codes and what is printed.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SummaryEvent } from '../../src/batch/events.js';
import { TEMP_PREFIX } from '../../src/store/outputs.js';
import { startHostileServer, type HostileAnswer, type HostileServer } from '../support/hostile-server.js';
import { BIN, recordingEmulator, emulatorEnv, runCli, tempDir } from './harness.js';

let png: Buffer;
let jpeg: Buffer;
let server: HostileServer | undefined;

beforeAll(async () => {
  png = await sharp({ create: { width: 24, height: 16, channels: 3, background: '#3060c0' } }).png().toBuffer();
  jpeg = await sharp(png).jpeg().toBuffer();
});

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function folderOf(count: number): Promise<string> {
  const root = await tempDir();
  await mkdir(path.join(root, 'in'));
  for (let i = 0; i < count; i++) await writeFile(path.join(root, 'in', `p${i}.png`), png);
  return root;
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name))).sort();
}

function summaryOf(stdout: string): SummaryEvent & { exitCode: number } {
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as SummaryEvent & { exitCode: number };
}

const KEY = 'sk_test_hostile_0123';

async function runAgainst(script: readonly HostileAnswer[], args: readonly string[], options: { key?: string; count?: number } = {}) {
  server = await startHostileServer(script);
  const root = await folderOf(options.count ?? 1);
  const result = await runCli(args, { cwd: root, env: { PHOTOROOM_BASE_URL: server.url, PHOTOROOM_API_KEY: options.key ?? KEY } });
  return { ...result, root, server };
}

describe('answers that are not the image they claim', () => {
  const cases: [string, () => HostileAnswer, RegExp][] = [
    ['an empty 200', () => ({ kind: 'empty' }), /the answer was empty \(0 bytes\)/],
    ['an HTML page labelled image/png', () => ({ kind: 'html-as-png' }), /the answer was not an image: its bytes start with "<!DOCTYPE h/],
    ['JPEG bytes labelled image/png', () => ({ kind: 'wrong-format', jpeg }), /claimed image\/png but its bytes are JPEG/],
  ];
  for (const [name, answer, reason] of cases) {
    it(`never keeps ${name}, retries it once (it was billed), and fails the input`, async () => {
      const { code, stderr, root, server } = await runAgainst([answer()], ['edit', 'in', '-o', 'out', '--no-progress']);
      expect(code).toBe(1);
      expect(stderr).toMatch(reason);
      expect(server.imageRequests()).toHaveLength(2);
      expect(await filesUnder(path.join(root, 'out'))).toEqual(['photoroom-run.jsonl']);
    });
  }

  it('cuts off an answer that never ends at --max-answer-size, without retrying it', async () => {
    const { code, stderr, root, server } = await runAgainst([{ kind: 'endless' }], ['edit', 'in', '-o', 'out', '--max-answer-size', '2', '--no-progress']);
    expect(code).toBe(1);
    expect(stderr).toContain('the answer is larger than the 2 MB cap (--max-answer-size); cut off');
    expect(server.imageRequests()).toHaveLength(1);
    const left = await filesUnder(path.join(root, 'out'));
    expect(left.filter((file) => path.basename(file).startsWith(TEMP_PREFIX))).toEqual([]);
    expect(left).toEqual(['photoroom-run.jsonl']);
  });

  it('stops a batch whose answers keep not being images, instead of paying for each', async () => {
    const { code, stderr, server } = await runAgainst([{ kind: 'html-as-png' }], ['edit', 'in', '-o', 'out', '--concurrency', '1', '--no-progress'], { count: 20 });
    expect(code).toBe(1);
    expect(stderr).toContain('answers in a row were not images');
    expect(server.imageRequests().length).toBeLessThanOrEqual(6);
  });
});

describe("/v1/segment's JSON answer", () => {
  it('decodes {"base64img": ...} into the image, with one request', async () => {
    const { code, stderr, root, server } = await runAgainst([{ kind: 'segment-json', body: png }], ['segment', 'in', '-o', 'out', '--no-progress']);
    expect(stderr).toContain('1 ok, 0 skipped, 0 failed');
    expect(code).toBe(0);
    expect(server.imageRequests()).toHaveLength(1);
    expect(server.imageRequests()[0]!.accept).toContain('application/json');
    expect(await readFile(path.join(root, 'out/p0.png'))).toEqual(png);
  });

  it('refuses a JSON answer whose base64img is not an image', async () => {
    const { code, stderr, root } = await runAgainst([{ kind: 'segment-json', body: Buffer.from('<html>no</html>') }], ['segment', 'in', '-o', 'out', '--no-progress']);
    expect(code).toBe(1);
    expect(stderr).toContain('the answer was not an image');
    expect(await filesUnder(path.join(root, 'out'))).toEqual(['photoroom-run.jsonl']);
  });
});

describe('answers that are not whole', () => {
  let webp: Buffer;
  beforeAll(async () => {
    webp = await sharp(png).webp().toBuffer();
  });

  it('never keeps half a PNG in a body that ends cleanly: retried once, the input fails, nothing written; a rerun redoes it', async () => {
    const { code, stderr, root, server: hostile } = await runAgainst([{ kind: 'truncated-image', body: png }], ['edit', 'in', '-o', 'out', '--no-progress']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/the answer was not a whole PNG: it ends before IEND/);
    expect(hostile.imageRequests()).toHaveLength(2);
    expect(await filesUnder(path.join(root, 'out'))).toEqual(['photoroom-run.jsonl']);

    await hostile.close();
    server = await startHostileServer([{ kind: 'image', body: png }]);
    const rerun = await runCli(['edit', 'in', '-o', 'out', '--no-progress'], { cwd: root, env: { PHOTOROOM_BASE_URL: server.url, PHOTOROOM_API_KEY: KEY } });
    expect(rerun.stderr).toContain('1 ok, 0 skipped, 0 failed');
    expect(rerun.code).toBe(0);
    expect(server.imageRequests()).toHaveLength(1);
    expect(await readFile(path.join(root, 'out/p0.png'))).toEqual(png);
  });

  const cases: [string, () => Buffer, string, RegExp][] = [
    ['half a JPEG', () => jpeg, 'image/jpeg', /the answer was not a whole JPEG: it ends before its end-of-image marker \(FF D9\)/],
    ['half a WebP', () => webp, 'image/webp', /the answer was not a whole WebP: it ends before the \d+ bytes its RIFF header announces/],
  ];
  for (const [name, image, contentType, reason] of cases) {
    it(`never keeps ${name} in a body that ends cleanly, retries it once and fails the input`, async () => {
      const { code, stderr, root, server } = await runAgainst([{ kind: 'truncated-image', body: image(), contentType }], ['edit', 'in', '-o', 'out', '--no-progress']);
      expect(code).toBe(1);
      expect(stderr).toMatch(reason);
      expect(server.imageRequests()).toHaveLength(2);
      expect(await filesUnder(path.join(root, 'out'))).toEqual(['photoroom-run.jsonl']);
    });
  }

  it('writes no byte of half an image to stdout (-o -)', async () => {
    const { code, stdout, stderr } = await runAgainst([{ kind: 'truncated-image', body: png }], ['edit', 'in/p0.png', '-o', '-', '--no-progress']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/the answer was not a whole PNG: it ends before IEND/);
    expect(stdout).toBe('');
  });

  it('never keeps a segment JSON answer whose base64img is a PNG signature and junk', async () => {
    const { code, stderr, root, server } = await runAgainst([{ kind: 'segment-json-signature-and-junk' }], ['segment', 'in', '-o', 'out', '--no-progress']);
    expect(code).toBe(1);
    expect(stderr).toContain('the answer was not a whole PNG: its chunks are broken at byte 8');
    expect(server.imageRequests()).toHaveLength(2);
    expect(await filesUnder(path.join(root, 'out'))).toEqual(['photoroom-run.jsonl']);
  });
});

describe('the key, echoed back by the server', () => {
  for (const key of [KEY, 'short1', 'k"ey\\with/odd+chars']) {
    it(`never reaches the terminal, NDJSON, run log or sidecars (${JSON.stringify(key)})`, async () => {
      server = await startHostileServer([{ kind: 'echo-key', status: 400 }, { kind: 'echo-key-image', body: png }]);
      const root = await folderOf(2);
      const env = { PHOTOROOM_BASE_URL: server.url, PHOTOROOM_API_KEY: key };
      const lines = await runCli(['edit', 'in', '-o', 'out', '--concurrency', '1', '--verbose', '--no-progress'], { cwd: root, env });
      const json = await runCli(['edit', 'in', '-o', 'out', '--concurrency', '1', '--json', '--overwrite'], { cwd: root, env });
      const stored = await Promise.all((await filesUnder(path.join(root, 'out'))).filter((f) => /\.jsonl?$/.test(f)).map((f) => readFile(path.join(root, 'out', f), 'utf8')));
      expect(stored.length).toBeGreaterThanOrEqual(2);
      for (const text of [lines.stdout, lines.stderr, json.stdout, json.stderr, ...stored]) {
        for (const form of [key, encodeURIComponent(key), JSON.stringify(key).slice(1, -1)]) expect(text).not.toContain(form);
      }
      expect(lines.stderr).toContain('invalid key ***');
    });
  }
});

describe('a service that never gets better', () => {
  it('counts 429s towards --give-up-after: a service that only answers 429 is down', async () => {
    const tooMany: HostileAnswer = { kind: 'status', status: 429, headers: { 'retry-after': '1' }, body: '{"error":{"message":"slow down"}}' };
    const { code, stdout, server } = await runAgainst([tooMany], ['edit', 'in', '-o', 'out', '--give-up-after', '1', '--json'], { count: 3 });
    expect(code).toBe(1);
    expect(summaryOf(stdout)).toMatchObject({ stopped: 'unavailable', ok: 0, exitCode: 1 });
    expect(server.imageRequests().length).toBeLessThanOrEqual(6);
  });

  it('times out a request that is never answered, and tries it again in later rounds', async () => {
    const { code, stderr, server } = await runAgainst([{ kind: 'stall' }], ['edit', 'in', '-o', 'out', '--timeout', '1', '--retries', '0', '--no-progress']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/in\/p0\.png: request timed out/);
    expect(server.imageRequests()).toHaveLength(3);
  });

  it('ends at once on Ctrl-C during a long Retry-After', async () => {
    server = await startHostileServer([{ kind: 'status', status: 503, headers: { 'retry-after': '600' } }]);
    const root = await folderOf(1);
    const child = spawn(process.execPath, [BIN, 'edit', 'in', '-o', 'out', '--json', '--verbose'], {
      cwd: root,
      env: { ...process.env, PHOTOROOM_BASE_URL: server.url, PHOTOROOM_API_KEY: KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const retried = new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('"type":"retry"')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await retried;
    child.kill('SIGINT');
    // Without the fix the process stays alive for the whole 600 s wait, far past the test's timeout.
    expect(await exited).toBe(130);
    expect(summaryOf(stdout)).toMatchObject({ stopped: 'interrupted', notProcessed: 1 });
  });
});

describe('headers that say nothing', () => {
  for (const value of ['null', '', ' ']) {
    it(`does not warn about pr-unsupported-attributes: ${JSON.stringify(value)}`, async () => {
      const answer: HostileAnswer = { kind: 'image', body: png, headers: { 'pr-unsupported-attributes': value } };
      const { code, stderr } = await runAgainst([answer], ['edit', 'in', '-o', 'out', '--no-progress']);
      expect(code).toBe(0);
      expect(stderr).not.toContain('WARNING');
    });
  }
});

describe('a reader of stdout that goes away', () => {
  it('stops new work and exits non-zero on EPIPE (--json | head -1)', async () => {
    const emulator = await recordingEmulator({ echo: true, latency: { min: 50, max: 50 } });
    try {
      const root = await folderOf(40);
      const child = spawn(process.execPath, [BIN, 'edit', 'in', '-o', 'out', '--concurrency', '2', '--json'], {
        cwd: root,
        env: { ...process.env, ...emulatorEnv(emulator) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      // What `head -1` does: read one line, then close the pipe.
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(1);
      expect(stderr).toContain('standard output was closed');
      expect(emulator.requests.filter((request) => request.path === '/v2/edit').length).toBeLessThan(40);
    } finally {
      await emulator.close();
    }
  });
});
