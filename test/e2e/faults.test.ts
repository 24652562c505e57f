/**
 * The fault-injection suite: the CLI against the emulator (or a scripted loopback server)
 * with seeded faults, kills and bad answers; assertions on the files on disk, the requests
 * sent, the exit codes and the printed reasons. The CLI runs in-process but where the process
 * is the point: real signals, a SIGKILL, and the privileges an unreadable input needs.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { chmod, mkdir, readdir, readFile, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SummaryEvent } from '../../src/batch/events.js';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { TEMP_PREFIX } from '../../src/store/outputs.js';
import { runInProcess, startInProcess } from '../support/in-process.js';
import { BIN, emulatorEnv, listenOnLoopback, recordingEmulator, runCli, scriptedServer, tempDir } from './harness.js';

let tinyPng: Buffer;

beforeAll(async () => {
  tinyPng = await sharp({ create: { width: 16, height: 12, channels: 3, background: '#c04020' } })
    .png()
    .toBuffer();
});

/** A folder of `count` small, valid PNG images. */
async function imageFolder(count: number): Promise<string> {
  const root = await tempDir();
  await mkdir(path.join(root, 'in'));
  for (let i = 0; i < count; i++)
    await writeFile(path.join(root, 'in', `img-${String(i).padStart(4, '0')}.png`), tinyPng);
  return root;
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** Every output decodes, no temporary file is left; returns the outputs that have a sidecar. */
async function checkOutputFolder(out: string): Promise<{ outputs: string[]; withSidecar: string[] }> {
  const files = await filesUnder(out);
  expect(files.filter((file) => path.basename(file).startsWith(TEMP_PREFIX))).toEqual([]);
  const outputs = files.filter((file) => file.endsWith('.png'));
  for (const output of outputs) expect((await sharp(output).metadata()).format, output).toBe('png');
  return { outputs, withSidecar: outputs.filter((output) => files.includes(`${output}.json`)) };
}

function summaryOf(stdout: string): SummaryEvent {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines.at(-1) ?? '{}') as SummaryEvent;
}

const editRequests = (emulator: RunningEmulator) => emulator.requests.filter((request) => request.path === '/v2/edit');

/**
 * Resolves once the emulator has answered (and recorded) every request it took, as it does
 * for those still in flight when a client dies: an event to wait for, not a time.
 */
async function everyRequestAnswered(emulator: RunningEmulator): Promise<void> {
  while (emulator.requests.length < emulator.stats().requests) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('transient faults', () => {
  // The property: under a seeded mix of 5xx, resets, 429s and latency, every input ends
  // either written whole with its sidecar or failed with a network reason, nothing is left
  // half-written, and the requests that may have been billed are counted. 40 inputs meet
  // every kind of fault (seed 5 draws 18 fails and 4 resets in its first 40 requests); the
  // 300 this test once sent proved nothing more and took most of a minute. Its retries wait
  // real backoffs and Retry-After pauses: about 7 s idle, over 30 s on a loaded machine.
  it('finishes a batch through 5xx, resets, a tight rate limit and latency, every output whole', async () => {
    const emulator = await recordingEmulator({
      echo: true,
      seed: 5,
      failRate: 0.3,
      resetRate: 0.1,
      // 16 admitted in any second: of the first 24 requests, sent at once, some meet a 429
      // (they would have to be spread over a second not to).
      rateLimit: 16,
      rateWindowMs: 1_000,
      latency: { min: 20, max: 300 },
    });
    try {
      const root = await imageFolder(40);
      const { code, stdout } = await runInProcess(
        ['edit', 'in', '-o', 'out', '--concurrency', '24', '--retries', '12', '--json'],
        {
          cwd: root,
          env: emulatorEnv(emulator),
        },
      );
      const summary = summaryOf(stdout);
      const stats = emulator.stats();
      // A reset drops the connection after a 200's headers: that answer may have been billed,
      // so it gets one more try only, and an input cut twice fails.
      expect(summary).toMatchObject({ ok: 40 - summary.failed, notProcessed: 0 });
      for (const failure of summary.failures) expect(failure.error).toMatch(/^network error: aborted/);
      expect(summary.maybeBilled.requests).toBeGreaterThanOrEqual(2 * summary.failed);
      expect(summary.maybeBilled.requests).toBeLessThanOrEqual(stats.resets);
      expect(code).toBe(summary.failed > 0 ? 1 : 0);
      const { outputs, withSidecar } = await checkOutputFolder(path.join(root, 'out'));
      expect(outputs).toHaveLength(summary.ok);
      expect(withSidecar).toHaveLength(summary.ok);
      expect(stats.failed).toBeGreaterThan(5);
      expect(stats.resets).toBeGreaterThan(0);
      expect(stats.rateLimited).toBeGreaterThan(0);
      expect(summary.rateLimited).toBeGreaterThan(0);
    } finally {
      await emulator.close();
    }
  }, 120_000);

  it('honours Retry-After given as an HTTP date', async () => {
    // The date is set when the first request arrives (a whole second, as HTTP dates are, 1 to
    // 2 s ahead), so however late the CLI starts, it is still ahead and the CLI must wait for it.
    let retryAt = 0;
    const arrivals: number[] = [];
    const server = await listenOnLoopback(
      createServer((request, response) => {
        request.resume();
        request.on('end', () => {
          arrivals.push(Date.now());
          if (arrivals.length === 1) {
            retryAt = Math.ceil(Date.now() / 1000) * 1000 + 1000;
            const body = '{"error":{"message":"busy"}}';
            response
              .writeHead(503, { 'retry-after': new Date(retryAt).toUTCString(), 'content-type': 'application/json' })
              .end(body);
          } else {
            response.writeHead(200, { 'content-type': 'image/png' }).end(tinyPng);
          }
        });
      }),
    );
    try {
      const root = await imageFolder(1);
      const { code } = await runInProcess(['edit', 'in', '-o', 'out', '--yes'], {
        cwd: root,
        env: { PHOTOROOM_BASE_URL: server.url, PHOTOROOM_API_KEY: 'sk_test_scripted' },
      });
      expect(code).toBe(0);
      expect(arrivals).toHaveLength(2);
      expect(arrivals[1]).toBeGreaterThanOrEqual(retryAt);
    } finally {
      await server.close();
    }
  });

  it('never writes an answer that is not an image, and retries it once (it was billed)', async () => {
    const server = await scriptedServer([
      { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>proxy error</html>' },
    ]);
    try {
      const root = await imageFolder(1);
      const { code, stderr } = await runInProcess(
        ['edit', 'in', '-o', 'out', '--retries', '2', '--yes', '--no-progress'],
        {
          cwd: root,
          env: { PHOTOROOM_BASE_URL: server.url, PHOTOROOM_API_KEY: 'sk_test_scripted' },
        },
      );
      expect(code).toBe(1);
      expect(server.requests).toHaveLength(2);
      expect(stderr).toContain('in/img-0000.png: the answer was not an image (content-type text/html)');
      expect(await filesUnder(path.join(root, 'out'))).toEqual([path.join(root, 'out', 'photoroom-run.jsonl')]);
    } finally {
      await server.close();
    }
  });

  it('never writes an answer cut short', async () => {
    const emulator = await recordingEmulator({ echo: true, resetRate: 1 });
    try {
      const root = await imageFolder(2);
      const { code, stderr } = await runInProcess(
        ['edit', 'in', '-o', 'out', '--retries', '1', '--yes', '--no-progress'],
        {
          cwd: root,
          env: emulatorEnv(emulator),
        },
      );
      expect(code).toBe(1);
      expect(stderr).toMatch(/network error/);
      const { outputs } = await checkOutputFolder(path.join(root, 'out'));
      expect(outputs).toEqual([]);
    } finally {
      await emulator.close();
    }
  });
});

/** Spawns the CLI, calls `onLine` for each NDJSON line on stdout; resolves with the exit code. */
function spawnBatch(
  args: string[],
  cwd: string,
  env: Record<string, string>,
  onLine: (line: string, child: ReturnType<typeof spawn>) => void,
) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buffered = '';
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) onLine(line, child);
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exit };
}

describe('what a stop leaves said', () => {
  it('counts each 429 once when Ctrl-C comes during its Retry-After wait', async () => {
    // One request a minute: the first input is done, the second meets a 429 naming ~60 s.
    const emulator = await recordingEmulator({ echo: true, rateLimit: 1 });
    try {
      const root = await imageFolder(2);
      const running = startInProcess(
        ['edit', 'in', '-o', 'out', '--yes', '--concurrency', '1', '--json', '--verbose'],
        { cwd: root, env: emulatorEnv(emulator) },
      );
      await running.printed('"type":"retry"');
      running.signal('SIGINT');
      const { code, stdout } = await running.done;
      expect(code).toBe(130);
      expect(editRequests(emulator).map((request) => request.status)).toEqual([200, 429]);
      expect(summaryOf(stdout)).toMatchObject({ ok: 1, notProcessed: 1, requests: 2, rateLimited: 1 });
    } finally {
      await emulator.close();
    }
  });

  it('tells no retry after "stopping" when the service is given up on', async () => {
    const emulator = await recordingEmulator({ echo: true, failRate: 1 });
    try {
      const root = await imageFolder(1);
      const { code, stderr } = await runInProcess(
        ['edit', 'in', '-o', 'out', '--yes', '--give-up-after', '1', '--retries', '20', '--verbose', '--no-progress'],
        { cwd: root, env: emulatorEnv(emulator) },
      );
      expect(code).toBe(1);
      const lines = stderr.split('\n');
      const stopping = lines.findIndex((line) => line.startsWith('stopping: no request has succeeded for'));
      expect(stopping).toBeGreaterThan(0);
      expect(lines.slice(stopping).filter((line) => line.startsWith('retry'))).toEqual([]);
      // Each retry told was sent: the first request and one per retry line, at most.
      const told = lines.filter((line) => line.startsWith('retry')).length;
      expect(editRequests(emulator).length).toBeGreaterThanOrEqual(told);
      expect(editRequests(emulator).length).toBeLessThanOrEqual(told + 1);
    } finally {
      await emulator.close();
    }
  });
});

describe('crashes and interruptions', () => {
  it('after SIGKILL at any moment, a rerun leaves every output whole and redoes at most the in-flight requests', async () => {
    const emulator = await recordingEmulator({ echo: true, latency: { min: 30, max: 80 } });
    try {
      const root = await imageFolder(60);
      let results = 0;
      const { exit } = spawnBatch(
        ['edit', 'in', '-o', 'out', '--concurrency', '8', '--yes', '--json'],
        root,
        emulatorEnv(emulator),
        (line, child) => {
          if (line.includes('"type":"result"') && ++results === 20) child.kill('SIGKILL');
        },
      );
      const killed = await exit;
      expect(killed.signal).toBe('SIGKILL');
      await everyRequestAnswered(emulator);
      const sentBeforeKill = editRequests(emulator).length;
      const out = path.join(root, 'out');
      const files = await filesUnder(out);
      const done = files.filter((file) => file.endsWith('.png.json')).length;
      // Outputs present after the kill are whole (temporary files may remain: the rerun removes them).
      for (const file of files.filter((f) => f.endsWith('.png') && !path.basename(f).startsWith(TEMP_PREFIX))) {
        expect((await sharp(file).metadata()).format).toBe('png');
      }

      const rerun = await runInProcess(['edit', 'in', '-o', 'out', '--yes', '--json'], {
        cwd: root,
        env: emulatorEnv(emulator),
      });
      expect(rerun.code).toBe(0);
      const { outputs, withSidecar } = await checkOutputFolder(out);
      expect(outputs).toHaveLength(60);
      expect(withSidecar).toHaveLength(60);
      const resent = editRequests(emulator).length - sentBeforeKill;
      expect(resent).toBe(60 - done);
      // Redone = sent before the kill but not recorded as done: at most the 8 in flight.
      expect(sentBeforeKill - done).toBeLessThanOrEqual(8);
    } finally {
      await emulator.close();
    }
  });

  it('on Ctrl-C stops starting new work, finishes what is in flight, writes the summary and exits 130', async () => {
    const emulator = await recordingEmulator({ echo: true, latency: { min: 50, max: 100 } });
    try {
      // The emulator answers in this process: however loaded the machine, the CLI cannot
      // finish the 40 inputs left (at 4 × 50 ms at least) before the signal is sent.
      const root = await imageFolder(60);
      let results = 0;
      const { exit } = spawnBatch(
        ['edit', 'in', '-o', 'out', '--concurrency', '4', '--yes', '--json'],
        root,
        emulatorEnv(emulator),
        (line, child) => {
          if (line.includes('"type":"result"') && ++results === 20) child.kill('SIGINT');
        },
      );
      const { code, stdout } = await exit;
      expect(code).toBe(130);
      const summary = summaryOf(stdout);
      expect(summary).toMatchObject({ type: 'summary', stopped: 'interrupted', exitCode: 130 });
      expect(summary.ok + summary.notProcessed).toBe(60);
      expect(summary.notProcessed).toBeGreaterThan(0);
      const { withSidecar } = await checkOutputFolder(path.join(root, 'out'));
      expect(withSidecar).toHaveLength(summary.ok);
      expect(editRequests(emulator)).toHaveLength(summary.ok); // in-flight requests were finished, none abandoned

      const before = editRequests(emulator).length;
      const rerun = await runInProcess(['edit', 'in', '-o', 'out', '--yes', '--json'], {
        cwd: root,
        env: emulatorEnv(emulator),
      });
      expect(rerun.code).toBe(0);
      expect(editRequests(emulator).length - before).toBe(summary.notProcessed);
    } finally {
      await emulator.close();
    }
  });

  it('quits at once on a second Ctrl-C', async () => {
    // The emulator holds every request longer than the test may take: only quitting without
    // waiting for them ends the run in time.
    const emulator = await recordingEmulator({ echo: true, latency: { min: 120_000, max: 120_000 } });
    try {
      const root = await imageFolder(4);
      const { child, exit } = spawnBatch(
        ['edit', 'in', '-o', 'out', '--concurrency', '2', '--yes', '--json'],
        root,
        emulatorEnv(emulator),
        (line) => {
          // The first Ctrl-C was taken (the run stops starting new work): now the second.
          if (line.includes('"type":"stop"')) child.kill('SIGINT');
        },
      );
      // Wait until the first requests are in flight.
      while (emulator.stats().requests < 2) await new Promise((resolve) => setTimeout(resolve, 50));
      child.kill('SIGINT');
      const { code, stdout } = await exit;
      expect(code).toBe(130);
      expect(stdout).toContain('"reason":"interrupted"');
      expect(editRequests(emulator)).toEqual([]); // none was answered: the CLI did not wait
    } finally {
      await emulator.close();
    }
  });
});

describe('bad inputs', () => {
  it('reports each with its own reason, never uploads it, and processes the rest (exit 1)', async () => {
    const emulator = await recordingEmulator({ echo: true });
    try {
      const root = await tempDir();
      const input = path.join(root, 'in');
      await mkdir(input);
      const write = (name: string, bytes: Buffer | string) => writeFile(path.join(input, name), bytes);
      await write('good-1.png', tinyPng);
      await write('good-2.jpg', await sharp(tinyPng).jpeg().toBuffer());
      await write('empty.jpg', '');
      await write('fake.jpg', 'this is a text file with an image extension');
      await write('doc.png', '%PDF-1.4\n%âãÏÓ\n1 0 obj << /Type /Catalog >> endobj\n');
      await write(
        'large.webp',
        await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#888' } })
          .webp()
          .toBuffer(),
      );
      await write(
        'photo.heic',
        Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.alloc(0x18)]),
      );
      await write('locked.png', tinyPng);
      await chmod(path.join(input, 'locked.png'), 0o000);
      await symlink(path.join(input, 'gone.png'), path.join(input, 'broken.png'));
      await symlink(path.join(input, 'loop-b.png'), path.join(input, 'loop-a.png'));
      await symlink(path.join(input, 'loop-a.png'), path.join(input, 'loop-b.png'));
      await mkdir(path.join(input, 'private'));
      await write('private/hidden-away.png', tinyPng);
      await chmod(path.join(input, 'private'), 0o000);
      const huge = path.join(input, 'huge.png');
      await writeFile(huge, tinyPng);
      await truncate(huge, 31 * 1024 * 1024);

      const { code, stdout, stderr } = await runCli(
        ['edit', 'in', '-o', 'out', '--upscale.mode', 'ai.fast', '--yes', '--json'],
        {
          cwd: root,
          env: emulatorEnv(emulator),
          withoutPrivileges: true,
        },
      );
      expect(code).toBe(1);
      const reasons = Object.fromEntries(
        summaryOf(stdout).failures.map((failure) => [path.basename(failure.input), failure.error]),
      );
      // Matchers are `any` to the type checker: held as unknown, they are values like the others.
      const aPdf: unknown = expect.stringMatching(/^not an image: the bytes are a PDF/);
      const heicRefused: unknown = expect.stringMatching(/^HEIC images are not accepted by \/v2\/edit/);
      expect(reasons).toEqual({
        'empty.jpg': 'empty file (0 bytes)',
        'fake.jpg': 'not an image: unrecognised bytes',
        'doc.png': aPdf,
        'large.webp':
          'upscale.mode ai.fast takes images of at most 1,000,000 pixels; this one is 1200x900 (1,080,000) (--fit-inputs would scale it down to fit)',
        'photo.heic': heicRefused,
        'locked.png': 'cannot read the file (permission denied)',
        'broken.png': 'broken symbolic link',
        'loop-a.png': 'symbolic link loop',
        'loop-b.png': 'symbolic link loop',
        'huge.png': '31.0 MB is over the 30 MB limit of /v2/edit (--fit-inputs would scale it down to fit)',
      });
      expect(stderr).toContain('failed (10):');
      expect(stderr).toContain('warning: in/private: cannot read folder (permission denied)');
      expect(stderr).not.toMatch(/\n\s+at /); // no stack traces
      const uploaded = editRequests(emulator).map(
        (request) => (request.fields[0]?.[1] as { filename: string }).filename,
      );
      expect(uploaded.sort()).toEqual(['good-1.png', 'good-2.jpg']);
    } finally {
      await emulator.close();
    }
  });
});

describe('credits and keys', () => {
  it('stops promptly on 402 mid-batch: no more than the in-flight requests after it', async () => {
    const emulator = await recordingEmulator({ echo: true, credits: 10, latency: { min: 20, max: 40 } });
    try {
      const root = await imageFolder(40);
      const { code, stdout, stderr } = await runInProcess(
        ['edit', 'in', '-o', 'out', '--concurrency', '4', '--yes', '--json'],
        {
          cwd: root,
          env: emulatorEnv(emulator),
        },
      );
      expect(code).toBe(3);
      const statuses = editRequests(emulator).map((request) => request.status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(10);
      const afterFirst402 = statuses.slice(statuses.indexOf(402) + 1);
      expect(afterFirst402.length).toBeLessThanOrEqual(3);
      expect(summaryOf(stdout)).toMatchObject({ ok: 10, stopped: 'credits', notProcessed: 30 });
      expect(stderr).toContain('stopped: no credits left');
      expect(stderr).toContain('30 inputs not processed');
    } finally {
      await emulator.close();
    }
  });

  it('stops at the first 403 with a message about the key and sandbox keys', async () => {
    const emulator = await recordingEmulator({ echo: true, apiKey: 'sk_the_right_key_123' });
    try {
      const root = await imageFolder(30);
      const { code, stderr } = await runInProcess(
        ['edit', 'in', '-o', 'out', '--concurrency', '4', '--yes', '--no-progress'],
        {
          cwd: root,
          env: emulatorEnv(emulator, 'sandbox_wrong_key_456'),
        },
      );
      expect(code).toBe(3);
      expect(stderr).toContain('the API key was refused');
      expect(stderr).toContain('sandbox keys start with sandbox_');
      expect(editRequests(emulator).length).toBeLessThanOrEqual(4);
    } finally {
      await emulator.close();
    }
  });
});

describe('secrets', () => {
  const KEY = 'sk_live_VERY_SECRET_0123456789';

  it('never prints, logs or stores the key, whatever the output mode or failure', async () => {
    const emulator = await recordingEmulator({ echo: true, failRate: 0.5, seed: 2 });
    try {
      // Two images, one at a time: seed 2 fails a request, which is retried and printed.
      const root = await imageFolder(2);
      await writeFile(path.join(root, 'list.txt'), `in/img-0000.png\nhttp://127.0.0.1:1/${KEY}.png\n`);
      const runs = [
        ['edit', 'in', '-o', 'out', '--verbose', '--no-progress', '--retries', '2', '--concurrency', '1'],
        ['edit', 'in', '-o', 'out2', '--json', '--verbose', '--retries', '2', '--concurrency', '1'],
        ['edit', 'in', '-o', 'out3', '--dry-run'],
        // --yes: no credits check (which the emulator may fail), so the URL holding the key is sent, and fails.
        ['edit', '--from-file', 'list.txt', '-o', 'out4', '--retries', '0', '--yes', '--no-progress'],
        ['account', '--json'],
        ['edit', 'in', '--base-url', 'http://photoroom.example.com'],
        ['segment', 'in', '--channels', 'nope'],
      ];
      const printed: string[] = [];
      for (const args of runs) {
        const { stdout, stderr } = await runInProcess(args, { cwd: root, env: emulatorEnv(emulator, KEY) });
        expect(stdout + stderr, args.join(' ')).not.toContain(KEY);
        expect(stdout + stderr).not.toContain('VERY_SECRET');
        printed.push(stdout + stderr);
      }
      expect(printed[0]).toMatch(/^retry /m);
      expect(printed[3]).toContain('failed  http://127.0.0.1:1/***.png: ');
      for (const file of await filesUnder(root)) {
        if (file.endsWith('.json') || file.endsWith('.jsonl'))
          expect(await readFile(file, 'utf8'), file).not.toContain('VERY_SECRET');
      }
    } finally {
      await emulator.close();
    }
  });

  it('refuses to send the key over plain http to another machine', async () => {
    const root = await imageFolder(1);
    const { code, stderr } = await runInProcess(['edit', 'in', '--base-url', 'http://photoroom.example.com'], {
      cwd: root,
      env: { PHOTOROOM_API_KEY: KEY },
    });
    expect(code).toBe(2);
    expect(stderr).toContain('plain http to another machine would send the API key unencrypted');
    const allowed = await runInProcess(
      ['edit', 'in', '--base-url', 'http://photoroom.example.com', '--allow-insecure-http', '--dry-run'],
      {
        cwd: root,
        env: { PHOTOROOM_API_KEY: KEY },
      },
    );
    expect(allowed.code).toBe(0);
  });

  it('keeps URL inputs inside the output folder', async () => {
    const server = await scriptedServer([{ status: 200, headers: { 'content-type': 'image/png' }, body: tinyPng }]);
    try {
      const root = await tempDir();
      const hostile = `${server.url}/..%2F..%2F..%2Fescape.png`;
      const { code } = await runInProcess(['edit', hostile, `${server.url}/a/../../b.png`, '-o', 'out', '--yes'], {
        cwd: root,
        env: { PHOTOROOM_BASE_URL: server.url, PHOTOROOM_API_KEY: 'sk_test_scripted' },
      });
      expect(code).toBe(0);
      const files = (await filesUnder(root)).map((file) => path.relative(root, file)).sort();
      expect(files).toEqual([
        'out/b.png',
        'out/b.png.json',
        'out/escape.png',
        'out/escape.png.json',
        'out/photoroom-run.jsonl',
      ]);
    } finally {
      await server.close();
    }
  });
});
