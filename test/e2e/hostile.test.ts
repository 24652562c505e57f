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
import { createClient } from '../../src/api/client.js';
import { TEMP_PREFIX } from '../../src/store/outputs.js';
import { startHostileServer, type HostileAnswer, type HostileServer } from '../support/hostile-server.js';
import { runInProcess } from '../support/in-process.js';
import { BIN, recordingEmulator, emulatorEnv, ROOT, runCli, runProgram, tempDir } from './harness.js';
import { editInToOut } from '../support/folder-batch.js';

let png: Buffer;
let jpeg: Buffer;
let server: HostileServer | undefined;

beforeAll(async () => {
  png = await sharp({ create: { width: 24, height: 16, channels: 3, background: '#3060c0' } })
    .png()
    .toBuffer();
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
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();
}

function summaryOf(stdout: string): SummaryEvent & { exitCode: number } {
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as SummaryEvent & { exitCode: number };
}

const KEY = 'sk_test_hostile_0123';

/**
 * Runs the CLI in this process against a hostile server answering from `script`: its stdout
 * and stderr are masked and escaped as a process's are. That a process's real stdout and
 * stderr are, an exception nobody caught, signals and EPIPE are checked on spawned runs below.
 */
async function runAgainst(script: readonly HostileAnswer[], args: readonly string[], options: { count?: number } = {}) {
  server = await startHostileServer(script);
  const root = await folderOf(options.count ?? 1);
  const result = await runInProcess(args, {
    cwd: root,
    env: { PHOTOROOM_BASE_URL: server.url, PHOTOROOM_API_KEY: KEY },
  });
  return { ...result, root, server };
}

describe('answers that are not the image they claim', () => {
  const cases: [string, () => HostileAnswer, RegExp][] = [
    ['an empty 200', () => ({ kind: 'empty' }), /the answer was empty \(0 bytes\)/],
    [
      'an HTML page labelled image/png',
      () => ({ kind: 'html-as-png' }),
      /the answer was not an image: its bytes start with "<!DOCTYPE h/,
    ],
    [
      'JPEG bytes labelled image/png',
      () => ({ kind: 'wrong-format', jpeg }),
      /claimed image\/png but its bytes are JPEG/,
    ],
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
    const { code, stderr, root, server } = await runAgainst(
      [{ kind: 'endless' }],
      ['edit', 'in', '-o', 'out', '--max-answer-size', '2', '--no-progress'],
    );
    expect(code).toBe(1);
    expect(stderr).toContain('the answer is larger than the 2 MB cap (--max-answer-size); cut off');
    expect(server.imageRequests()).toHaveLength(1);
    const left = await filesUnder(path.join(root, 'out'));
    expect(left.filter((file) => path.basename(file).startsWith(TEMP_PREFIX))).toEqual([]);
    expect(left).toEqual(['photoroom-run.jsonl']);
  });

  it('stops a batch whose answers keep not being images, instead of paying for each', async () => {
    const { code, stderr, server } = await runAgainst(
      [{ kind: 'html-as-png' }],
      ['edit', 'in', '-o', 'out', '--concurrency', '1', '--no-progress'],
      { count: 20 },
    );
    expect(code).toBe(1);
    expect(stderr).toContain('answers in a row were not whole images');
    expect(server.imageRequests().length).toBeLessThanOrEqual(6);
  });
});

describe("/v1/segment's JSON answer", () => {
  it('decodes {"base64img": ...} into the image, with one request', async () => {
    const { code, stderr, root, server } = await runAgainst(
      [{ kind: 'segment-json', body: png }],
      ['segment', 'in', '-o', 'out', '--no-progress'],
    );
    expect(stderr).toContain('1 ok, 0 skipped, 0 failed');
    expect(code).toBe(0);
    expect(server.imageRequests()).toHaveLength(1);
    expect(server.imageRequests()[0]!.accept).toContain('application/json');
    expect(await readFile(path.join(root, 'out/p0.png'))).toEqual(png);
  });

  it('refuses a JSON answer whose base64img is not an image', async () => {
    const { code, stderr, root } = await runAgainst(
      [{ kind: 'segment-json', body: Buffer.from('<html>no</html>') }],
      ['segment', 'in', '-o', 'out', '--no-progress'],
    );
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
    const {
      code,
      stderr,
      root,
      server: hostile,
    } = await runAgainst([{ kind: 'truncated-image', body: png }], ['edit', 'in', '-o', 'out', '--no-progress']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/the answer was not a whole PNG: it ends before IEND/);
    expect(hostile.imageRequests()).toHaveLength(2);
    expect(await filesUnder(path.join(root, 'out'))).toEqual(['photoroom-run.jsonl']);

    await hostile.close();
    server = await startHostileServer([{ kind: 'image', body: png }]);
    const rerun = await runInProcess(['edit', 'in', '-o', 'out', '--no-progress'], {
      cwd: root,
      env: { PHOTOROOM_BASE_URL: server.url, PHOTOROOM_API_KEY: KEY },
    });
    expect(rerun.stderr).toContain('1 ok, 0 skipped, 0 failed');
    expect(rerun.code).toBe(0);
    expect(server.imageRequests()).toHaveLength(1);
    expect(await readFile(path.join(root, 'out/p0.png'))).toEqual(png);
  });

  const cases: [string, () => Buffer, string, RegExp][] = [
    [
      'half a JPEG',
      () => jpeg,
      'image/jpeg',
      /the answer was not a whole JPEG: it ends before its end-of-image marker \(FF D9\)/,
    ],
    [
      'half a WebP',
      () => webp,
      'image/webp',
      /the answer was not a whole WebP: it ends before the \d+ bytes its RIFF header announces/,
    ],
  ];
  for (const [name, image, contentType, reason] of cases) {
    it(`never keeps ${name} in a body that ends cleanly, retries it once and fails the input`, async () => {
      const { code, stderr, root, server } = await runAgainst(
        [{ kind: 'truncated-image', body: image(), contentType }],
        ['edit', 'in', '-o', 'out', '--no-progress'],
      );
      expect(code).toBe(1);
      expect(stderr).toMatch(reason);
      expect(server.imageRequests()).toHaveLength(2);
      expect(await filesUnder(path.join(root, 'out'))).toEqual(['photoroom-run.jsonl']);
    });
  }

  it('writes no byte of half an image to stdout (-o -)', async () => {
    const { code, stdout, stderr } = await runAgainst(
      [{ kind: 'truncated-image', body: png }],
      ['edit', 'in/p0.png', '-o', '-', '--no-progress'],
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/the answer was not a whole PNG: it ends before IEND/);
    expect(stdout).toBe('');
  });

  it('never keeps a segment JSON answer whose base64img is a PNG signature and junk', async () => {
    const { code, stderr, root, server } = await runAgainst(
      [{ kind: 'segment-json-signature-and-junk' }],
      ['segment', 'in', '-o', 'out', '--no-progress'],
    );
    expect(code).toBe(1);
    expect(stderr).toContain('the answer was not a whole PNG: its chunks are broken at byte 8');
    expect(server.imageRequests()).toHaveLength(2);
    expect(await filesUnder(path.join(root, 'out'))).toEqual(['photoroom-run.jsonl']);
  });
});

describe('the key, echoed back by the server', () => {
  // Keys too short to mask are in 'redaction that breaks things, and a partial leak'.
  for (const key of [KEY, 'k"ey\\with/odd+chars']) {
    it(`never reaches the terminal, NDJSON, run log or sidecars (${JSON.stringify(key)})`, async () => {
      server = await startHostileServer([
        { kind: 'echo-key', status: 400 },
        { kind: 'echo-key-image', body: png },
      ]);
      const root = await folderOf(2);
      const env = { PHOTOROOM_BASE_URL: server.url, PHOTOROOM_API_KEY: key };
      const lines = await runInProcess(
        ['edit', 'in', '-o', 'out', '--concurrency', '1', '--verbose', '--no-progress'],
        { cwd: root, env },
      );
      const json = await runInProcess(['edit', 'in', '-o', 'out', '--concurrency', '1', '--json', '--overwrite'], {
        cwd: root,
        env,
      });
      const stored = await Promise.all(
        (await filesUnder(path.join(root, 'out')))
          .filter((f) => /\.jsonl?$/.test(f))
          .map((f) => readFile(path.join(root, 'out', f), 'utf8')),
      );
      expect(stored.length).toBeGreaterThanOrEqual(2);
      for (const text of [lines.stdout, lines.stderr, json.stdout, json.stderr, ...stored]) {
        for (const form of [key, encodeURIComponent(key), JSON.stringify(key).slice(1, -1)])
          expect(text).not.toContain(form);
      }
      expect(lines.stderr).toContain('invalid key ***');
    });
  }

  it("is masked in a library user's run log and sidecars: the client that sends it registers it", async () => {
    server = await startHostileServer([
      { kind: 'echo-key', status: 400 },
      { kind: 'echo-key-image', body: png },
    ]);
    const root = await folderOf(2);
    const client = createClient({ apiKey: KEY, baseUrl: server.url, connections: 1, timeoutMs: 10_000 });
    try {
      const batch = editInToOut(root, client, undefined, { settings: { concurrency: 1, retries: 0 } });
      expect(await batch.done).toMatchObject({ ok: 1, failed: 1 });
    } finally {
      await client.close();
    }
    const stored = await Promise.all(
      (await filesUnder(path.join(root, 'out')))
        .filter((f) => /\.jsonl?$/.test(f))
        .map((f) => readFile(path.join(root, 'out', f), 'utf8')),
    );
    expect(stored.join('\n')).toContain('invalid key ***');
    expect(stored.join('\n')).not.toContain(KEY);
  });
});

describe('a service that never gets better', () => {
  it('counts 429s towards --give-up-after: a service that only answers 429 is down', async () => {
    const tooMany: HostileAnswer = {
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '1' },
      body: '{"error":{"message":"slow down"}}',
    };
    const { code, stdout, server } = await runAgainst(
      [tooMany],
      ['edit', 'in', '-o', 'out', '--give-up-after', '1', '--json'],
      { count: 3 },
    );
    expect(code).toBe(1);
    expect(summaryOf(stdout)).toMatchObject({ stopped: 'unavailable', ok: 0, exitCode: 1 });
    expect(server.imageRequests().length).toBeLessThanOrEqual(6);
  });

  it('stops as --give-up-after passes, not after a Retry-After that outlasts it', async () => {
    const unavailable: HostileAnswer = { kind: 'status', status: 503, headers: { 'retry-after': '15' } };
    const { code, stdout, server } = await runAgainst(
      [unavailable],
      ['edit', 'in', '-o', 'out', '--give-up-after', '1', '--concurrency', '3', '--json'],
      { count: 3 },
    );
    expect(code).toBe(1);
    const summary = summaryOf(stdout);
    expect(summary).toMatchObject({ stopped: 'unavailable', ok: 0, notProcessed: 3, requests: 3 });
    expect(summary.stopMessage).toMatch(/^no request has succeeded for \d+ s \(3 failures, the last: HTTP 503/);
    // One request per input; none after the 15 s each was told to wait.
    expect(server.imageRequests()).toHaveLength(3);
  });

  it('times out a request that is never answered, and tries it again in later rounds', async () => {
    const { code, stderr, server } = await runAgainst(
      [{ kind: 'stall' }],
      ['edit', 'in', '-o', 'out', '--timeout', '1', '--retries', '0', '--no-progress'],
    );
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

/** A raw character a terminal would act on (C0, DEL, C1, bidi controls, U+2028/9), the line feeds that end lines aside. */
const RAW_RANGES = [
  [0x00, 0x09],
  [0x0b, 0x1f],
  [0x7f, 0x9f],
  [0x61c],
  [0x200e, 0x200f],
  [0x2028, 0x2029],
  [0x202a, 0x202e],
  [0x2066, 0x2069],
];
const RAW_CONTROL = new RegExp(
  `[${RAW_RANGES.map((range) => range.map((code) => `\\u${code.toString(16).padStart(4, '0')}`).join('-')).join('')}]`,
);
const FORGED = 'ok      in/fake.png → out/fake.png';

function expectNoForgery(text: string): void {
  expect(text).not.toMatch(RAW_CONTROL);
  for (const line of text.split('\n')) expect(line).not.toMatch(/^ok +(in\/)?fake\.png/);
}

describe('the terminal trusts what it prints', () => {
  // A file name can hold no '/', so its forged line names no folder.
  const name = `e\x1b[2J\x1b]0;pwned\x07\u009b2J\u202e\r\nok      fake.png → fake.png\b.png`;
  const message = `bad image\x1b]52;c;cm0gLXJmIH4=\x07\r\n${FORGED}`;
  const hostileError: HostileAnswer = { kind: 'status', status: 400, body: JSON.stringify({ error: { message } }) };

  async function hostileFolder(): Promise<string> {
    const root = await folderOf(1);
    await writeFile(path.join(root, 'in', name), png);
    return root;
  }

  it('escapes a file name and a server message in every line, and NDJSON keeps them exact', async () => {
    // The odd name gets the image and p0.png the message, whichever is sent first.
    server = await startHostileServer([{ kind: 'image', body: png }], {
      byUpload: { text: 'filename="p0.png"', answer: hostileError },
    });
    const root = await hostileFolder();
    const env = { PHOTOROOM_BASE_URL: server.url, PHOTOROOM_API_KEY: KEY };
    const lines = await runInProcess(['edit', 'in', '-o', 'out', '--concurrency', '1', '--verbose', '--no-progress'], {
      cwd: root,
      env,
    });
    expect(lines.code).toBe(1);
    for (const text of [lines.stdout, lines.stderr]) expectNoForgery(text);
    expect(lines.stderr).toContain(
      'ok      in/e\\e[2J\\e]0;pwned\\x07\\x9b2J\\u{202e}\\r\\nok      fake.png → fake.png\\x08.png → out/',
    );
    expect(lines.stderr).toContain(`bad image\\e]52;c;cm0gLXJmIH4=\\x07\\r\\n${FORGED}`);

    const json = await runInProcess(['edit', 'in', '-o', 'out', '--concurrency', '1', '--json', '--overwrite'], {
      cwd: root,
      env,
    });
    for (const text of [json.stdout, json.stderr]) expectNoForgery(text);
    const results = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; input?: string; error?: string });
    expect(results.map((result) => result.input)).toContain(`in/${name}`);
    expect(results.map((result) => result.error)).toContain(`HTTP 400: ${message}`);
  });

  it("escapes the account's plan as a server names it", async () => {
    const plan = `pro\x1b[2J\n${FORGED}`;
    const body = JSON.stringify({ plan, images: { available: 1, subscription: 1 } });
    server = await startHostileServer([hostileError], { account: { kind: 'status', status: 200, body } });
    const env = { PHOTOROOM_BASE_URL: server.url, PHOTOROOM_API_KEY: KEY };
    const shown = await runInProcess(['account'], { env });
    expect(shown.code).toBe(0);
    expectNoForgery(shown.stdout);
    expect(shown.stdout).toContain(`Plan:          pro\\e[2J\\n${FORGED}\n`);
    const json = await runInProcess(['account', '--json'], { env });
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(json.stdout)).toMatchObject({ plan });
  });
});

describe("a process's real stdout and stderr", () => {
  // The runs above check the masking and escaping in this process; this one, that a process's own streams go through them too.
  it('mask the key a server echoes and escape a file name, on both streams (spawned)', async () => {
    server = await startHostileServer([{ kind: 'echo-key', status: 400 }]);
    const root = await folderOf(0);
    await writeFile(path.join(root, 'in', 'e\x1b[2J\u202e.png'), png);
    const env = { PHOTOROOM_BASE_URL: server.url, PHOTOROOM_API_KEY: KEY };
    const { code, stdout, stderr } = await runCli(['edit', 'in', '-o', 'out', '--json', '--verbose'], {
      cwd: root,
      env,
    });
    expect(code).toBe(1);
    for (const text of [stdout, stderr]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toMatch(RAW_CONTROL);
    }
    expect(stdout).toContain(
      '{"type":"result","input":"in/e\\u001b[2J\\u202e.png","output":"out/e\\u001b[2J\\u202e.png","status":"failed","error":"HTTP 400: invalid key ***"',
    );
    expect(stderr).toContain('  in/e\\e[2J\\u{202e}.png: HTTP 400: invalid key ***\n');
  });

  it('mask and escape text that no reporter escaped: the streams are the last net (spawned)', async () => {
    // The reporters escape before they write, so the run above passes without the streams'
    // own net; this program writes raw text straight to processIo's streams.
    const io = path.join(ROOT, 'dist/cli/io.js');
    const program = [
      `const { processIo } = await import(${JSON.stringify(io)});`,
      'const io = processIo();',
      `io.redactor.register(${JSON.stringify(KEY)});`,
      `const raw = 'key ${KEY} clear\\x1b[2J bidi\\u202e end\\n';`,
      'io.stdout.write(raw);',
      'io.stderr.write(raw);',
    ].join('\n');
    const { code, stdout, stderr } = await runProgram(process.execPath, ['--input-type=module', '-e', program]);
    expect(code).toBe(0);
    for (const text of [stdout, stderr]) {
      expect(text).toBe('key *** clear\\e[2J bidi\\u{202e} end\n');
    }
  });
});

describe('redaction that breaks things, and a partial leak', () => {
  for (const key of ['x', 'e', '0', 'test']) {
    it(`takes every answer with the short key ${JSON.stringify(key)}, names and counts intact, and says it is not masked`, async () => {
      server = await startHostileServer([{ kind: 'image', body: png, headers: { 'pr-texts-detected': 'test text' } }]);
      const root = await tempDir();
      await mkdir(path.join(root, 'in'));
      for (let i = 0; i < 10; i++) await writeFile(path.join(root, 'in', `text-${i}.png`), png);
      const { code, stderr } = await runInProcess(['edit', 'in', '-o', 'out', '--no-progress'], {
        cwd: root,
        env: { PHOTOROOM_BASE_URL: server.url, PHOTOROOM_API_KEY: key },
      });
      expect(stderr).toContain('10 ok, 0 skipped, 0 failed');
      expect(code).toBe(0);
      expect(stderr).toContain('ok      in/text-0.png → out/text-0.png');
      expect(stderr).toContain('warning: the API key is shorter than 8 characters, too short to mask');
      const sidecar = JSON.parse(await readFile(path.join(root, 'out', 'text-0.png.json'), 'utf8')) as {
        response: { headers: object; contentType: string };
      };
      expect(sidecar.response).toMatchObject({
        contentType: 'image/png',
        headers: { 'pr-texts-detected': 'test text' },
      });
    });
  }

  it('refuses a key too short to mask before sending it to another machine', async () => {
    const root = await folderOf(1);
    const { code, stderr } = await runInProcess(['edit', 'in', '-o', 'out'], {
      cwd: root,
      env: { PHOTOROOM_API_KEY: 'test' },
    });
    expect(code).toBe(2);
    expect(stderr).toContain("photoroom: the API key is 4 characters long: Photoroom's keys are far longer");
  });

  it("masks the key's first 8 characters quoted by a server in stderr, NDJSON, run log, sidecars and the report", async () => {
    server = await startHostileServer([
      { kind: 'quote-key', status: 400 },
      { kind: 'quote-key', status: 200, image: png },
    ]);
    const root = await folderOf(2);
    const env = { PHOTOROOM_BASE_URL: server.url, PHOTOROOM_API_KEY: KEY };
    const args = ['edit', 'in', '-o', 'out', '--concurrency', '1', '--report'];
    const lines = await runInProcess([...args, '--verbose', '--no-progress'], { cwd: root, env });
    const json = await runInProcess([...args, '--json', '--overwrite'], { cwd: root, env });
    expect(lines.stderr).toContain('HTTP 400: the key starting *** is not valid here');
    const stored = await filesUnder(path.join(root, 'out'));
    expect(stored).toEqual(
      expect.arrayContaining(['photoroom-run.jsonl', 'photoroom-report.html', 'p0.png.json', 'p1.png.json']),
    );
    const texts = await Promise.all(
      stored
        .filter((file) => /\.(jsonl?|html)$/.test(file))
        .map((file) => readFile(path.join(root, 'out', file), 'utf8')),
    );
    expect(texts.join('\n')).toContain('key ***...');
    for (const text of [lines.stdout, lines.stderr, json.stdout, json.stderr, ...texts])
      expect(text).not.toContain(KEY.slice(0, 8));
  });
});

describe('legal answers the HTTP client must read', () => {
  it('takes 200s with Connection: close written in two writes: 100 inputs, every output whole, one billed answer each', async () => {
    // Noise does not compress: each answer is far larger than a stream's buffer, so the
    // connection ends while the body still waits to be read.
    const noise = Buffer.from(Array.from({ length: 256 * 256 * 3 }, (_, i) => (i * 7919) % 251));
    const large = await sharp(noise, { raw: { width: 256, height: 256, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    const { code, stdout, stderr, root, server } = await runAgainst(
      [{ kind: 'close-in-two-writes', body: large }],
      ['edit', 'in', '-o', 'out', '--concurrency', '8', '--json'],
      { count: 100 },
    );
    expect(stderr).not.toContain('Error');
    expect(code).toBe(0);
    expect(summaryOf(stdout)).toMatchObject({ ok: 100, failed: 0, notProcessed: 0 });
    expect(server.imageRequests()).toHaveLength(100);
    const outputs = await Promise.all(
      Array.from({ length: 100 }, (_, i) => readFile(path.join(root, 'out', `p${i}.png`))),
    );
    // Buffer.equals: vitest's deep equality walks 200 KB buffers byte by byte, far too slowly.
    expect(outputs.filter((output) => output.equals(large))).toHaveLength(100);
  });
});

describe('a maybe-billed answer leaves a trace', () => {
  const runLog = async (root: string) =>
    (await readFile(path.join(root, 'out/photoroom-run.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('tries a 200 whose body is cut once more, and the summary counts both requests', async () => {
    const { code, stderr, root, server } = await runAgainst(
      [{ kind: 'cut-body', body: png }],
      ['edit', 'in', '-o', 'out', '--no-progress'],
    );
    expect(code).toBe(1);
    expect(server.imageRequests()).toHaveLength(2);
    expect(stderr).toContain('2 requests for 1 input may have been billed without a result');
    expect(await runLog(root)).toMatchObject([
      { input: 'in/p0.png', status: 'failed', httpStatus: 200, attempts: 2, maybeBilled: 2 },
    ]);
  });

  it('leaves a line per attempted input when a server that fails everything is given up on', async () => {
    const { code, stdout, root } = await runAgainst(
      [{ kind: 'status', status: 500 }],
      ['edit', 'in', '-o', 'out', '--give-up-after', '1', '--json'],
      { count: 3 },
    );
    expect(code).toBe(1);
    const results = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((event) => event.type === 'result');
    expect(results.length).toBeGreaterThan(0);
    const lines = await runLog(root);
    expect(lines.map((line) => line.input)).toEqual(results.map((result) => result.input));
    for (const line of lines) expect(line).toMatchObject({ status: 'not-processed', httpStatus: 500 });
  });
});

describe('an exception nobody caught during a batch', () => {
  // Loaded before the CLI: after the first result, something throws where nobody catches it.
  const preload = (throwing: string) =>
    `data:text/javascript,${encodeURIComponent(
      `const write = process.stdout.write.bind(process.stdout); let armed = true;
       process.stdout.write = (chunk, ...rest) => { if (armed && String(chunk).includes('"type":"result"')) { armed = false; setImmediate(() => { ${throwing} }); } return write(chunk, ...rest); };`,
    )}`;
  for (const [name, throwing] of [
    ['an exception', "throw new Error('a library broke')"],
    ['a rejection', "Promise.reject(new Error('a library broke'))"],
  ] as const) {
    it(`stops new work, keeps every result in flight, and exits 1 with one line (${name})`, async () => {
      const emulator = await recordingEmulator({ echo: true, latency: { min: 30, max: 30 } });
      try {
        const root = await folderOf(30);
        const result = await runCli(['edit', 'in', '-o', 'out', '--concurrency', '2', '--json'], {
          cwd: root,
          env: { ...emulatorEnv(emulator), NODE_OPTIONS: `--import=${preload(throwing)}` },
        });
        expect(result.code).toBe(1);
        const summary = summaryOf(result.stdout);
        expect(summary).toMatchObject({ stopped: 'crashed', exitCode: 1 });
        expect(summary.stopMessage).toBe(
          'unexpected error (please report it): Error: a library broke: no new work started',
        );
        expect(result.stderr.trim().split('\n')).toEqual([
          expect.stringMatching(
            /^stopped: unexpected error \(please report it\): Error: a library broke: no new work started; \d+ inputs not processed/,
          ),
        ]);
        const answered = emulator.requests.filter((request) => request.path === '/v2/edit').length;
        expect(answered).toBeLessThan(30);
        const outputs = (await readdir(path.join(root, 'out'))).filter((file) => file.endsWith('.png'));
        expect(outputs).toHaveLength(answered);
        expect(summary.ok).toBe(answered);
      } finally {
        await emulator.close();
      }
    });
  }
});
