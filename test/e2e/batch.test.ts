import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SummaryEvent } from '../../src/batch/events.js';
import type { RunningEmulator } from '../../src/emulator/server.js';
import type { Sidecar } from '../../src/store/sidecar.js';
import { runInProcess } from '../support/in-process.js';
import {
  emulatorEnv,
  FIXTURES,
  recordingEmulator,
  runInTerminal,
  scriptedServer,
  serveFolder,
  tempDir,
  TEST_CACHE,
} from './harness.js';

let emulator: RunningEmulator;
let env: Record<string, string>;

beforeAll(async () => {
  emulator = await recordingEmulator({ echo: true });
  env = emulatorEnv(emulator);
});

afterAll(async () => {
  await emulator.close();
});

/** A product folder with nested unicode and space names, a same-basename pair, and clutter. */
async function productFolder(): Promise<string> {
  const root = await tempDir();
  const products = path.join(root, 'products');
  await mkdir(path.join(products, 'Été 2024'), { recursive: true });
  await mkdir(path.join(products, 'shoes'), { recursive: true });
  await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(products, 'Été 2024', 'chaise longue.jpg'));
  await copyFile(path.join(FIXTURES, 'sneaker.jpg'), path.join(products, 'shoes', 'run fast.jpg'));
  await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(products, 'twin.jpg'));
  await copyFile(path.join(FIXTURES, 'bottle.png'), path.join(products, 'twin.png'));
  await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(products, '.hidden.jpg'));
  await writeFile(path.join(products, 'notes.txt'), 'not an image');
  return root;
}

const EXPECTED_OUTPUTS = ['shoes/run fast.png', 'twin.png', 'twin-png.png', 'Été 2024/chaise longue.png'];

async function run(args: string[], cwd: string, extraEnv: Record<string, string> = {}) {
  const before = emulator.requests.length;
  const result = await runInProcess(args, { cwd, env: { ...env, ...extraEnv } });
  return { ...result, requests: emulator.requests.slice(before) };
}

/** A fresh folder holding `in/<name>`: a plain image of that size, in the format its extension names. */
async function folderWithImage(name: string, width: number, height: number): Promise<string> {
  const root = await tempDir();
  await mkdir(path.join(root, 'in'));
  await sharp({ create: { width, height, channels: 3, background: '#3070a0' } }).toFile(path.join(root, 'in', name));
  return root;
}

function ndjson(stdout: string): Record<string, unknown>[] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The summary: the last event a --json run prints. */
function summaryOf(stdout: string): SummaryEvent {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as SummaryEvent;
}

async function readSidecar(file: string): Promise<Sidecar> {
  return JSON.parse(await readFile(`${file}.json`, 'utf8')) as Sidecar;
}

describe('a folder batch', () => {
  let root: string;
  beforeEach(async () => {
    root = await productFolder();
  });

  it('mirrors the folder, writes sidecars and a run log, and skips clutter', async () => {
    const { code, stderr, requests } = await run(
      ['edit', 'products', '-o', 'out', '--bg', 'white', '--padding', '10%'],
      root,
    );
    expect(code).toBe(0);
    expect(requests).toHaveLength(5); // the credits check, then four images
    expect(requests[0]?.path).toBe('/v2/account');
    for (const output of EXPECTED_OUTPUTS) expect(existsSync(path.join(root, 'out', output)), output).toBe(true);
    expect(await readFile(path.join(root, 'out/twin-png.png'))).toEqual(
      await readFile(path.join(FIXTURES, 'bottle.png')),
    );
    expect(stderr).toContain(
      'warning: products/twin.png would also write out/twin.png; writing out/twin-png.png instead',
    );
    expect(stderr).toContain('ignored: 1 not an image, 1 hidden file');
    expect(stderr).toMatch(/4 ok, 0 skipped, 0 failed/);

    const sidecar = await readSidecar(path.join(root, 'out/Été 2024/chaise longue.png'));
    const input = await readFile(path.join(root, 'products/Été 2024/chaise longue.jpg'));
    const version: unknown = expect.any(String);
    expect(sidecar).toMatchObject({
      input: { path: 'products/Été 2024/chaise longue.jpg', size: input.length },
      request: {
        endpoint: '/v2/edit',
        method: 'POST',
        fields: [
          ['background.color', 'white'],
          ['padding', '10%'],
        ],
      },
      response: { status: 200, contentType: 'image/jpeg' }, // --echo answers the upload itself
      attempts: 1,
      output: { path: 'chaise longue.png', size: input.length },
      cli: { version },
    });
    expect(JSON.stringify(sidecar)).not.toContain(env.PHOTOROOM_API_KEY);

    const log = (await readFile(path.join(root, 'out/photoroom-run.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line): unknown => JSON.parse(line));
    const inputs = [
      'products/shoes/run fast.jpg',
      'products/twin.jpg',
      'products/twin.png',
      'products/Été 2024/chaise longue.jpg',
    ];
    expect(log).toHaveLength(inputs.length);
    expect(log).toEqual(
      expect.arrayContaining(inputs.map((input): unknown => expect.objectContaining({ input, status: 'ok' }))),
    );
  });

  it('keeps each output with the input that made it when a same-name input comes or goes', async () => {
    // The first run has twin.png alone: it writes out/twin.png.
    const twinJpg = path.join(root, 'products/twin.jpg');
    const jpgBytes = await readFile(twinJpg);
    await rm(twinJpg);
    const args = ['edit', 'products', '-o', 'out'];
    expect((await run(args, root)).code).toBe(0);
    const bottle = await readFile(path.join(root, 'out/twin.png'));

    // twin.jpg comes, and sorts first: it must not take twin.png's output (a request for twin.png
    // again, and the mug written over the bottle), but a name of its own.
    await writeFile(twinJpg, jpgBytes);
    const added = await run(args, root);
    expect(added.code).toBe(0);
    expect(added.requests.filter((request) => request.path === '/v2/edit')).toHaveLength(1);
    expect(await readFile(path.join(root, 'out/twin.png'))).toEqual(bottle);
    expect((await readSidecar(path.join(root, 'out/twin.png'))).input).toMatchObject({ path: 'products/twin.png' });
    expect((await readSidecar(path.join(root, 'out/twin-jpg.png'))).input).toMatchObject({
      path: 'products/twin.jpg',
    });
    expect(added.stderr).toContain(
      'warning: products/twin.jpg would also write out/twin.png; writing out/twin-jpg.png instead',
    );
    expect(added.stderr).toMatch(/1 ok, 3 skipped, 0 failed/);

    // twin.png goes: twin.jpg keeps its output, and nothing is sent or written over.
    await rm(path.join(root, 'products/twin.png'));
    const removed = await run(args, root);
    expect(removed.code).toBe(0);
    expect(removed.requests).toHaveLength(0);
    expect(await readFile(path.join(root, 'out/twin.png'))).toEqual(bottle);
    expect(removed.stderr).toMatch(/0 ok, 3 skipped, 0 failed/);
  });

  it('sends nothing on a rerun, redoes all on a changed parameter, and one input when it changes', async () => {
    const args = ['edit', 'products', '-o', 'out', '--bg', 'white'];
    expect((await run(args, root)).code).toBe(0);

    const rerun = await run(args, root);
    expect(rerun.code).toBe(0);
    expect(rerun.requests).toHaveLength(0);
    expect(rerun.stderr).toMatch(/0 ok, 4 skipped, 0 failed/);

    // Touched but unchanged: the hash matches, still skipped.
    const twin = path.join(root, 'products/twin.jpg');
    await utimes(twin, new Date(), new Date(Date.now() + 5000));
    expect((await run(args, root)).requests).toHaveLength(0);

    await copyFile(path.join(FIXTURES, 'gift-box.webp'), twin);
    const changedInput = await run(args, root);
    expect(changedInput.requests.filter((r) => r.path === '/v2/edit')).toHaveLength(1);
    expect(changedInput.requests.at(-1)?.fields[0]).toEqual([
      'imageFile',
      expect.objectContaining({ filename: 'twin.jpg' }),
    ]);

    const changedParameter = await run([...args, '--padding', '0.1'], root);
    expect(changedParameter.requests.filter((r) => r.path === '/v2/edit')).toHaveLength(4);

    const forced = await run([...args, '--padding', '0.1', '--overwrite'], root);
    expect(forced.requests.filter((r) => r.path === '/v2/edit')).toHaveLength(4);
  });

  it('prints NDJSON events with --json: one per input and a summary', async () => {
    const { code, stdout } = await run(['edit', 'products', '-o', 'out', '--json'], root);
    expect(code).toBe(0);
    const events = ndjson(stdout);
    const results = events.filter((event) => event.type === 'result');
    expect(results).toHaveLength(4);
    expect(results[0]).toMatchObject({ status: 'ok', attempts: 1, httpStatus: 200, headers: {} });
    expect(results.map((event) => event.output).sort()).toEqual(EXPECTED_OUTPUTS.map((o) => `out/${o}`).sort());
    const summary = summaryOf(stdout);
    expect(summary).toMatchObject({
      type: 'summary',
      ok: 4,
      skipped: 0,
      failed: 0,
      exitCode: 0,
      ignored: { hidden: 1, 'not-an-image': 1 },
    });
  });

  it('lists what would be sent with --dry-run, and sends and writes nothing', async () => {
    const { code, stdout, stderr, requests } = await run(
      ['edit', 'products', '-o', 'out', '--bg', 'white', '--dry-run'],
      root,
      {
        PHOTOROOM_API_KEY: '',
      },
    );
    expect(code).toBe(0);
    expect(requests).toHaveLength(0);
    expect(existsSync(path.join(root, 'out'))).toBe(false);
    expect(stdout).toContain(
      `curl --fail-with-body -sS -X POST ${emulator.url}/v2/edit -H "x-api-key: $PHOTOROOM_API_KEY" -F 'imageFile=@products/shoes/run fast.jpg' --form-string background.color=white --create-dirs -o 'out/shoes/run fast.png'`,
    );
    expect(stderr).toContain('4 requests planned, nothing sent');
  });

  it('takes --include, --exclude, --max-images and a name template', async () => {
    const included = await run(['edit', 'products', '-o', 'a', '--include', '*.jpg', '--exclude', 'shoes/**'], root);
    expect(included.requests.filter((r) => r.path === '/v2/edit')).toHaveLength(2);
    const capped = await run(['edit', 'products', '-o', 'b', '--max-images', '1', '--json'], root);
    expect(capped.requests.filter((r) => r.path === '/v2/edit')).toHaveLength(1);
    expect(ndjson(capped.stdout).at(-1)).toMatchObject({ ok: 1, notProcessed: 3, exitCode: 0 });
    const flat = await run(
      ['edit', 'products', '-o', 'c', '--name', '{name}-{srcext}.{ext}', '--export.format', 'webp'],
      root,
    );
    expect(flat.code).toBe(0);
    expect((await readdir(path.join(root, 'c'))).filter((f) => f.endsWith('.webp')).sort()).toEqual([
      'chaise longue-jpg.webp',
      'run fast-jpg.webp',
      'twin-jpg.webp',
      'twin-png.webp',
    ]);
  });

  it('reads inputs from a list file and from stdin', async () => {
    await writeFile(
      path.join(root, 'list.txt'),
      '# products to edit\nproducts/twin.jpg\n\nproducts/shoes/run fast.jpg\r\n',
    );
    const fromFile = await run(['edit', '--from-file', 'list.txt', '-o', 'out'], root);
    expect(fromFile.code).toBe(0);
    expect(existsSync(path.join(root, 'out/products/shoes/run fast.png'))).toBe(true);
    const before = emulator.requests.length;
    const fromStdin = await runInProcess(['segment', '-', '-o', 'seg', '--json'], {
      cwd: root,
      env,
      input: 'products/twin.png\n',
    });
    expect(fromStdin.code).toBe(0);
    expect(emulator.requests.slice(before).map((r) => r.path)).toEqual(['/v2/account', '/v1/segment']);
    expect(existsSync(path.join(root, 'seg/products/twin.png'))).toBe(true);
  });
});

describe('URL inputs', () => {
  it('are sent by GET with imageUrl, named after the URL', async () => {
    const files = await serveFolder(FIXTURES);
    try {
      const root = await tempDir();
      const { code, requests } = await run(
        ['edit', `${files.url}/mug.jpg`, `${files.url}/sneaker.jpg`, '-o', 'out', '--bg', 'white'],
        root,
      );
      expect(code).toBe(0);
      const edits = requests.filter((r) => r.path.startsWith('/v2/edit'));
      // Sent concurrently: they may arrive in either order.
      expect(edits.map((r) => [r.method, r.fields[0]]).sort()).toEqual([
        ['GET', ['imageUrl', `${files.url}/mug.jpg`]],
        ['GET', ['imageUrl', `${files.url}/sneaker.jpg`]],
      ]);
      expect(await readdir(path.join(root, 'out'))).toEqual(
        expect.arrayContaining(['mug.png', 'sneaker.png', 'mug.png.json']),
      );
      const rerun = await run(['edit', `${files.url}/mug.jpg`, '-o', 'out', '--bg', 'white'], root);
      expect(rerun.requests).toHaveLength(0);
    } finally {
      await files.close();
    }
  });
});

describe('retries and refusals', () => {
  it('retries 5xx until success and records the attempts', async () => {
    const flaky = await recordingEmulator({ echo: true, failRate: 0.5, seed: 2 });
    try {
      const root = await productFolder();
      const { code, stdout } = await runInProcess(
        ['edit', 'products', '-o', 'out', '--json', '--retries', '8', '--verbose', '--yes', '--concurrency', '1'],
        {
          cwd: root,
          env: emulatorEnv(flaky),
        },
      );
      expect(code).toBe(0);
      const events = ndjson(stdout);
      const retries = events.filter((event) => event.type === 'retry');
      expect(retries.length).toBeGreaterThan(0);
      expect(String(retries[0]?.error)).toMatch(/^HTTP 50[023]/);
      const results = events.filter((event) => event.type === 'result');
      expect(results.every((event) => event.status === 'ok')).toBe(true);
      const attempts = results.reduce((sum, event) => sum + Number(event.attempts), 0);
      expect(attempts).toBe(4 + retries.length);
      expect(flaky.requests.filter((r) => r.path === '/v2/edit')).toHaveLength(attempts);
    } finally {
      await flaky.close();
    }
  });

  it('does not retry a 400 and reports its reason', async () => {
    const server = await scriptedServer([
      {
        status: 400,
        headers: { 'content-type': 'application/json' },
        body: '{"error":{"message":"imageFile is corrupt"}}',
      },
    ]);
    try {
      const root = await productFolder();
      const { code, stderr } = await runInProcess(
        ['edit', 'products/twin.png', '-o', 'out', '--yes', '--no-progress'],
        {
          cwd: root,
          env: { PHOTOROOM_BASE_URL: server.url, PHOTOROOM_API_KEY: 'sk_test_scripted' },
        },
      );
      expect(code).toBe(1);
      expect(server.requests).toHaveLength(1);
      expect(stderr).toContain('products/twin.png: HTTP 400: imageFile is corrupt');
      expect(existsSync(path.join(root, 'out/twin.png'))).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('stops on 402 with exit 3, says what is left, and a rerun after a top-up does only the rest', async () => {
    const root = await productFolder();
    const broke = await recordingEmulator({ echo: true, credits: 2 });
    try {
      const { code, stderr } = await runInProcess(
        ['edit', 'products', '-o', 'out', '--concurrency', '1', '--yes', '--no-progress'],
        {
          cwd: root,
          env: emulatorEnv(broke),
        },
      );
      expect(code).toBe(3);
      expect(stderr).toContain('no credits left');
      expect(stderr).toMatch(/2 inputs not processed/);
      expect(broke.requests.filter((r) => r.path === '/v2/edit').map((r) => r.status)).toEqual([200, 200, 402]);
    } finally {
      await broke.close();
    }
    const toppedUp = await recordingEmulator({ echo: true });
    try {
      const { code } = await runInProcess(['edit', 'products', '-o', 'out', '--no-progress'], {
        cwd: root,
        env: emulatorEnv(toppedUp),
      });
      expect(code).toBe(0);
      expect(toppedUp.requests.filter((r) => r.path === '/v2/edit')).toHaveLength(2);
    } finally {
      await toppedUp.close();
    }
  });

  it('checks the credits first and sends nothing when they would not cover the batch', async () => {
    const root = await productFolder();
    const low = await recordingEmulator({ echo: true, credits: 3 });
    try {
      const { code, stderr } = await runInProcess(['edit', 'products', '-o', 'out', '--no-progress'], {
        cwd: root,
        env: emulatorEnv(low),
      });
      expect(code).toBe(3);
      expect(stderr).toContain('4 images to process but the account has 3 left: nothing was sent');
      expect(low.requests.map((r) => r.path)).toEqual(['/v2/account']);
    } finally {
      await low.close();
    }
  });
});

describe('what the user sees', () => {
  it('shows a progress bar on a terminal and plain lines in a pipe', async () => {
    const root = await productFolder();
    const terminal = await runInTerminal(['edit', 'products', '-o', 'tty'], env, root);
    expect(terminal.code).toBe(0);
    expect(terminal.stdout).toContain('\u001b[?25l'); // the bar hides the cursor while it runs
    expect(terminal.stdout).toMatch(/4\/4/);
    expect(terminal.stdout).toMatch(/ok 4/);
    const piped = await run(['edit', 'products', '-o', 'pipe'], root);
    expect(piped.stderr).not.toContain('\u001b[');
    expect(piped.stderr).toMatch(/^ok +products\/twin\.jpg → pipe\/twin\.png/m);
  });
});

describe('confirmation on a terminal', () => {
  it('asks before a batch above --confirm-over, and a no sends nothing', async () => {
    const root = await productFolder();
    const before = emulator.requests.length;
    const declined = await runInTerminal(['edit', 'products', '-o', 'out', '--confirm-over', '2'], env, root, 'n\n');
    expect(declined.stdout).toContain('About to send 4 images (each successful one is billed). Continue? [y/N]');
    expect(declined.stdout).toContain('cancelled: nothing was sent');
    expect(declined.code).toBe(4);
    expect(emulator.requests.slice(before).map((r) => r.path)).toEqual(['/v2/account']);

    const accepted = await runInTerminal(['edit', 'products', '-o', 'out', '--confirm-over', '2'], env, root, 'y\n');
    expect(accepted.code).toBe(0);
    expect(emulator.requests.slice(before).filter((r) => r.path === '/v2/edit')).toHaveLength(4);
  });
});

describe('segment batches', () => {
  it('process a folder through /v1/segment with their own fields and sidecars', async () => {
    const root = await productFolder();
    const { code, requests } = await run(['segment', 'products', '-o', 'cut', '--format', 'webp', '--crop'], root);
    expect(code).toBe(0);
    const segments = requests.filter((r) => r.path === '/v1/segment');
    expect(segments).toHaveLength(4);
    expect(segments[0]?.fields.slice(1)).toEqual([
      ['format', 'webp'],
      ['crop', 'true'],
    ]);
    const sidecar = await readSidecar(path.join(root, 'cut/twin.webp'));
    expect(sidecar.request).toMatchObject({ endpoint: '/v1/segment', method: 'POST' });
  });
});

describe('inputs are never modified', () => {
  it('refuses an output folder where an output would replace its input', async () => {
    const root = await productFolder();
    const before = await readFile(path.join(root, 'products/twin.png'));
    const { code, stderr, requests } = await run(['edit', 'products', '-o', 'products'], root);
    expect(code).toBe(2);
    expect(stderr).toContain(
      'products/twin.jpg would be written over the input products/twin.png; inputs are never modified',
    );
    expect(requests).toHaveLength(0);
    expect(await readFile(path.join(root, 'products/twin.png'))).toEqual(before);
  });

  it('does not suggest the --name already in use when it too would write over an input', async () => {
    const root = await tempDir();
    await copyFile(path.join(FIXTURES, 'bottle.png'), path.join(root, 'bottle.png'));
    await copyFile(path.join(FIXTURES, 'bottle.png'), path.join(root, 'bottle-white.png'));
    const refused = await run(['edit', '.', '-o', '.', '--name', '{dir}/{name}-white.{ext}', '--yes'], root);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /bottle\.png would be written over the input bottle-white\.png; inputs are never modified: choose another --out folder\n/,
    );
    expect(refused.requests).toHaveLength(0);
  });

  it('names the way through when PNG inputs are edited in place: --name, which then works', async () => {
    const root = await tempDir();
    await copyFile(path.join(FIXTURES, 'bottle.png'), path.join(root, 'bottle.png'));
    const refused = await run(['edit', '.', '-o', '.', '--yes'], root);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      "inputs are never modified: choose another --out folder, or write beside the input under another name with --name '{dir}/{name}-white.{ext}'",
    );
    const through = await run(['edit', '.', '-o', '.', '--name', '{dir}/{name}-white.{ext}', '--yes'], root);
    expect(through.code).toBe(0);
    expect(existsSync(path.join(root, 'bottle-white.png'))).toBe(true);
  });
});

describe('where results go', () => {
  let root: string;
  beforeEach(async () => {
    root = await tempDir();
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'mug.jpg'));
    await copyFile(path.join(FIXTURES, 'sneaker.jpg'), path.join(root, 'sneaker.jpg'));
  });

  it('writes one input to the file -o names, in the format its extension names, and nothing else beside it', async () => {
    const { code, stderr, requests } = await run(
      ['edit', 'mug.jpg', '-o', 'mug-white.webp', '--bg', 'white', '--yes'],
      root,
    );
    expect(stderr).toContain('mug.jpg → mug-white.webp');
    expect(code).toBe(0);
    expect((await readdir(root)).sort()).toEqual(['mug-white.webp', 'mug.jpg', 'sneaker.jpg']);
    expect(requests.find((request) => request.path === '/v2/edit')?.fields).toContainEqual(['export.format', 'webp']);
    // Its record and run log are in the user's cache, and the run says where, once.
    const said = [...stderr.matchAll(/the record of mug-white\.webp and the run log are kept in (\S+) \(--state-dir/g)];
    expect(said).toHaveLength(1);
    const stateFolder = said[0]![1]!;
    expect(stateFolder.startsWith(path.join(TEST_CACHE, 'photoroom', 'outputs') + path.sep)).toBe(true);
    expect((await readdir(stateFolder)).sort()).toEqual(['mug-white.webp.json', 'photoroom-run.jsonl']);
    const rerun = await run(['edit', 'mug.jpg', '-o', 'mug-white.webp', '--bg', 'white', '--yes'], root);
    expect(rerun.requests.filter((request) => request.path === '/v2/edit')).toHaveLength(0);
    expect(rerun.stderr).toContain(stateFolder);
    const quiet = await run(['edit', 'mug.jpg', '-o', 'mug-white.webp', '--bg', 'white', '--yes', '--quiet'], root);
    expect(quiet.stderr).not.toContain('run log are kept');
    // --state-dir still chooses the folder.
    await run(['edit', 'sneaker.jpg', '-o', 'sneaker-white.png', '--state-dir', 'state', '--yes'], root);
    expect((await readdir(path.join(root, 'state'))).sort()).toEqual(['photoroom-run.jsonl', 'sneaker-white.png.json']);
  });

  it('refuses, with one line each: a format that contradicts the name, a batch into one file, the input itself', async () => {
    const contradicting = await run(['edit', 'mug.jpg', '-o', 'mug.png', '--export.format', 'webp', '--yes'], root);
    expect(contradicting.stderr).toContain(
      '-o mug.png names a PNG file, but --export.format asks for webp: name the file .webp, or leave out --export.format',
    );
    await writeFile(path.join(root, 'existing.png'), 'x');
    const batch = await run(['edit', '.', '-o', 'existing.png', '--yes'], root);
    expect(batch.stderr).toMatch(/-o existing\.png names one output file, but there is more than one input/);
    const itself = await run(['edit', 'mug.jpg', '-o', 'mug.jpg', '--yes'], root);
    expect(itself.stderr).toContain('-o mug.jpg is the input itself; inputs are never modified');
    for (const result of [contradicting, batch, itself]) {
      expect(result.code).toBe(2);
      expect(result.stderr).not.toContain('unexpected error');
      expect(result.requests.filter((request) => request.path === '/v2/edit')).toHaveLength(0);
    }
  });

  it('writes one image to standard output with -o -, whole, and nothing else there', async () => {
    const { code, stdoutBytes } = await runInProcess(['edit', 'mug.jpg', '-o', '-', '--yes'], { cwd: root, env });
    expect(code).toBe(0);
    // The echo emulator answers the upload: the bytes on stdout are exactly the image.
    expect(stdoutBytes).toEqual(await readFile(path.join(root, 'mug.jpg')));
    expect((await readdir(root)).sort()).toEqual(['mug.jpg', 'sneaker.jpg']);
  });

  it('edits a folder in place the same way on every run: earlier results are never inputs', async () => {
    const first = await run(['edit', '.', '-o', '.', '--yes', '--json'], root);
    expect(first.code).toBe(0);
    expect(ndjson(first.stdout).at(-1)).toMatchObject({ ok: 2, failed: 0 });
    for (let again = 0; again < 2; again++) {
      const rerun = await run(['edit', '.', '-o', '.', '--yes', '--json', '--verbose'], root);
      expect(rerun.stderr).not.toMatch(/warning|failed|would be written/);
      expect(rerun.code).toBe(0);
      expect(ndjson(rerun.stdout).at(-1)).toMatchObject({
        ok: 0,
        skipped: 2,
        failed: 0,
        ignored: { 'earlier-output': 5 },
      });
      expect(
        ndjson(rerun.stdout)
          .filter((event) => event.type === 'ignored')
          .map((event) => event.input),
      ).toContain('mug.png');
      expect(rerun.requests.filter((request) => request.path === '/v2/edit')).toHaveLength(0);
    }
  });

  it('keeps sidecars and the run log under --state-dir, mirroring the outputs, and resumes from there', async () => {
    await mkdir(path.join(root, 'shoes'));
    await copyFile(path.join(FIXTURES, 'sneaker.jpg'), path.join(root, 'shoes', 'trail.jpg'));
    const first = await run(['edit', '.', '-o', 'dist/images', '--state-dir', '.state', '--yes'], root);
    expect(first.code).toBe(0);
    const images = await readdir(path.join(root, 'dist/images'), { recursive: true });
    expect(images.sort()).toEqual(['mug.png', 'shoes', 'shoes/trail.png', 'sneaker.png']);
    const state = await readdir(path.join(root, '.state'), { recursive: true });
    expect(state.sort()).toEqual([
      'mug.png.json',
      'photoroom-run.jsonl',
      'shoes',
      'shoes/trail.png.json',
      'sneaker.png.json',
    ]);
    const rerun = await run(['edit', '.', '-o', 'dist/images', '--state-dir', '.state', '--yes'], root);
    expect(rerun.code).toBe(0);
    expect(rerun.requests.filter((request) => request.path === '/v2/edit')).toHaveLength(0);
  });

  it('names every file it leaves out, with its reason, under --verbose, and counts them in the summary without pointing at --verbose again', async () => {
    await writeFile(path.join(root, 'notes.txt'), 'hello');
    await writeFile(path.join(root, '.DS_Store'), '');
    const { code, stderr } = await run(['edit', '.', '-o', 'out', '--yes', '--verbose', '--no-progress'], root);
    expect(code).toBe(0);
    expect(stderr).toContain('ignored notes.txt (not an image)');
    expect(stderr).toContain('ignored .DS_Store (hidden)');
    expect(stderr).toMatch(
      /done in .*: 2 ok, 0 skipped, 0 failed \(ignored: 1 not an image, 1 hidden file, 1 in the output folder\)\n/,
    );
    expect(stderr).not.toContain('--verbose names them');
  });

  it('says so when a folder holds no image, and leaves no output folder behind', async () => {
    await mkdir(path.join(root, 'empty'));
    await writeFile(path.join(root, 'empty/notes.txt'), 'hello');
    const { code, stderr, requests } = await run(['edit', 'empty', '-o', 'out-empty', '--yes'], root);
    expect(code).toBe(0);
    expect(requests).toHaveLength(0);
    expect(stderr).toContain('warning: no images found in the inputs given: nothing to send');
    expect(existsSync(path.join(root, 'out-empty'))).toBe(false);
  });

  it('says which path to a file it took and which it left (a symbolic link to an input), instead of dropping one in silence', async () => {
    await symlink('mug.jpg', path.join(root, 'alias.jpg'));
    const { code, stderr, requests } = await run(['edit', '.', '-o', 'out', '--yes', '--verbose'], root);
    expect(code).toBe(0);
    expect(requests.filter((request) => request.path === '/v2/edit')).toHaveLength(2);
    expect(stderr).toContain(
      'ignored mug.jpg (the same file as an input met before (a symbolic link, or a path given twice))',
    );
    expect(existsSync(path.join(root, 'out/alias.png'))).toBe(true);
    const quiet = await run(['edit', '.', 'mug.jpg', '-o', 'out2', '--yes'], root);
    // mug.jpg named again: the same path as one already left out, said once.
    expect(quiet.stderr).toMatch(/, 1 second path to an input; --verbose names them\)$/m);
  });
});

describe('any image a user has', () => {
  it('converts formats the endpoint does not take to PNG before sending, with a notice; --no-convert refuses them', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'in'));
    const mug = sharp(path.join(FIXTURES, 'mug.jpg'));
    await mug.clone().tiff().toFile(path.join(root, 'in/scan.tiff'));
    await mug.clone().gif().toFile(path.join(root, 'in/anim.gif'));
    await mug.clone().toColourspace('rgb16').png().toFile(path.join(root, 'in/deep.png'));
    await mug.clone().toColourspace('cmyk').jpeg().toFile(path.join(root, 'in/print.jpg'));
    const converted = await run(['edit', 'in', '-o', 'out', '--yes', '--no-progress'], root);
    expect(converted.code).toBe(0);
    // Routine, as the user asked for it (convert is on by default): a note, not a warning.
    expect(converted.stderr).toContain('note: TIFF images are converted to PNG before they are sent');
    expect(converted.stderr).not.toMatch(/warning: .*converted to PNG/);
    const uploads = converted.requests.filter((request) => request.path === '/v2/edit');
    expect(uploads.map((request) => (request.fields[0]?.[1] as { filename: string }).filename).sort()).toEqual([
      'anim.png',
      'deep.png',
      'print.png',
      'scan.png',
    ]);
    for (const output of ['scan.png', 'anim.png', 'deep.png', 'print.png']) {
      expect(await sharp(path.join(root, 'out', output)).metadata()).toMatchObject({
        format: 'png',
        depth: 'uchar',
        space: 'srgb',
      });
    }
    // The sidecar records the input as it is on disk, so that a rerun finds it done.
    const sidecar = await readSidecar(path.join(root, 'out/scan.png'));
    expect(sidecar.input).toMatchObject({
      path: 'in/scan.tiff',
      size: (await readFile(path.join(root, 'in/scan.tiff'))).length,
    });
    const rerun = await run(['edit', 'in', '-o', 'out', '--yes'], root);
    expect(rerun.requests.filter((request) => request.path === '/v2/edit')).toHaveLength(0);

    const refused = await run(['edit', 'in', '-o', 'out2', '--yes', '--no-convert', '--json'], root);
    expect(refused.code).toBe(1);
    const reasons = summaryOf(refused.stdout)
      .failures.map((failure) => failure.error)
      .sort();
    expect(reasons).toEqual([
      '16-bit PNG images are not accepted by /v2/edit (not converted: --no-convert)',
      'CMYK JPEG images are not accepted by /v2/edit (not converted: --no-convert)',
      'GIF images are not accepted by /v2/edit (not converted: --no-convert)',
      'TIFF images are not accepted by /v2/edit (not converted: --no-convert)',
    ]);
  });

  it('scales down an input over the endpoint limits with --fit-inputs, and refuses it without', async () => {
    const root = await folderWithImage('banner.jpg', 6400, 300);
    const refused = await run(['segment', 'in', '-o', 'out', '--yes', '--no-progress'], root);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      '6400x300 px is over the 6000 px limit of /v1/segment (--fit-inputs would scale it down to fit)',
    );
    const fitted = await run(['segment', 'in', '-o', 'out', '--yes', '--no-progress', '--fit-inputs'], root);
    expect(fitted.code).toBe(0);
    expect(fitted.stderr).toContain(
      "note: images over the endpoint's limits are scaled down to fit before they are sent",
    );
    const upload = fitted.requests.find((request) => request.path === '/v1/segment');
    expect(upload).toBeDefined();
    // The echo emulator answers what was uploaded: the output is the fitted image.
    expect(await sharp(path.join(root, 'out/banner.png')).metadata()).toMatchObject({ width: 6000, height: 281 });
  });
});

describe('upscale.mode and its pixel limit', () => {
  it('sends inputs within the pixel count however wide, refuses one over it, and fits it to the count with --fit-inputs', async () => {
    // 2000x400 is 800,000 pixels: within ai.fast's 1,000,000, over ai.slow's 262,144.
    const root = await folderWithImage('banner.png', 2000, 400);
    const edit = ['edit', 'in', '-o', 'out', '--yes', '--no-progress', '--overwrite'];
    const fast = await run([...edit, '--upscale.mode', 'ai.fast'], root);
    expect(fast.code).toBe(0);
    const slow = await run([...edit, '--upscale.mode', 'ai.slow'], root);
    expect(slow.code).toBe(1);
    expect(slow.stderr).toContain(
      'upscale.mode ai.slow takes images of at most 262,144 pixels; this one is 2000x400 (800,000) (--fit-inputs would scale it down to fit)',
    );
    expect(slow.requests.filter((request) => request.path === '/v2/edit')).toHaveLength(0);
    const fitted = await run([...edit, '--upscale.mode', 'ai.slow', '--fit-inputs'], root);
    expect(fitted.code).toBe(0);
    // The echo emulator answers what was uploaded: the largest 5:1 image within 262,144 pixels.
    expect(await sharp(path.join(root, 'out/banner.png')).metadata()).toMatchObject({ width: 1140, height: 228 });
  });

  it('sends an oversized input as it is when upscale.downscaleIfNeeded lets the API downscale it', async () => {
    const root = await folderWithImage('photo.png', 1200, 900);
    for (const downscale of ['always', 'skipUpscaleIfNotNeeded']) {
      const sent = await run(
        ['edit', 'in', '-o', 'out', '--yes', '--no-progress', '--overwrite', '--fit-inputs'].concat([
          '--upscale.mode',
          'ai.fast',
          '--upscale.downscaleIfNeeded',
          downscale,
        ]),
        root,
      );
      expect(sent.code).toBe(0);
      // Not fitted locally: the API downscales it itself.
      expect(await sharp(path.join(root, 'out/photo.png')).metadata()).toMatchObject({ width: 1200, height: 900 });
    }
  });
});

describe('an image cut short', () => {
  it('is never sent whole: a small one is refused before sending, a large one abandoned before its end', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'in'));
    const jpeg = await readFile(path.join(FIXTURES, 'mug.jpg'));
    await writeFile(path.join(root, 'in/cut.jpg'), jpeg.subarray(0, jpeg.length - 100));
    // Over 1 MB (noise does not compress): streamed from disk, judged as its bytes go.
    const noise = randomBytes(700 * 700 * 3);
    const png = await sharp(noise, { raw: { width: 700, height: 700, channels: 3 } })
      .png()
      .toBuffer();
    expect(png.length).toBeGreaterThan(1024 * 1024);
    await writeFile(path.join(root, 'in/large.png'), png.subarray(0, png.length - 4096));
    await writeFile(path.join(root, 'in/whole.png'), png);
    // A phone's motion photo: a whole JPEG with a video after its end, which decoders stop before.
    await writeFile(
      path.join(root, 'in/motion.jpg'),
      Buffer.concat([jpeg, Buffer.from('....ftypmp42'), randomBytes(4096)]),
    );

    // An emulator that renders (the shared one echoes the upload, and an answer with bytes after
    // its end is refused as an answer, rightly).
    const rendering = await recordingEmulator();
    const { code, stdout } = await runInProcess(['edit', 'in', '-o', 'out', '--yes', '--json'], {
      cwd: root,
      env: emulatorEnv(rendering),
    }).finally(() => rendering.close());
    const { requests } = rendering;
    expect(code).toBe(1);
    const failures = summaryOf(stdout).failures.map((failure) => [failure.input, failure.error]);
    expect(failures.sort()).toEqual([
      ['in/cut.jpg', 'not a whole image: it ends before its end-of-image marker (FF D9); nothing was sent'],
      ['in/large.png', 'not a whole image: it ends before IEND; the request was abandoned before its end'],
    ]);
    // What reached the service: the whole image answered, the large cut one's body without its
    // end (which no server takes for a request), and nothing of the small one.
    const edits = requests.filter((request) => request.path === '/v2/edit');
    const uploaded = (request: (typeof edits)[number]) =>
      request.fields.flatMap(([name, value]) =>
        name === 'imageFile' && typeof value !== 'string' ? [value.filename] : [],
      );
    expect(
      edits
        .filter((request) => request.status === 200)
        .map(uploaded)
        .sort(),
    ).toEqual([['motion.jpg'], ['whole.png']]);
    expect(edits.flatMap(uploaded)).not.toContain('cut.jpg');
    expect(edits.length).toBeLessThanOrEqual(3);
    // Counted as the requests they were: the two whole ones and the abandoned one.
    expect(summaryOf(stdout).requests).toBe(3);
    expect(existsSync(path.join(root, 'out/whole.png'))).toBe(true);
    expect(existsSync(path.join(root, 'out/large.png'))).toBe(false);
  });
});

describe('lists', () => {
  it('reads NUL-separated lists with -0, names with spaces, # and line breaks included, mirrored from the working folder', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'shots/day 1'), { recursive: true });
    const odd = 'shots/day 1/#1 mug\nfront.jpg';
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, odd));
    await copyFile(path.join(FIXTURES, 'sneaker.jpg'), path.join(root, 'shots/b.jpg'));
    const result = await runInProcess(['edit', '-', '-0', '-o', 'out', '--yes', '--json'], {
      cwd: root,
      env,
      input: `./${odd}\0./shots/b.jpg\0`,
    });
    expect(result.code).toBe(0);
    expect(existsSync(path.join(root, 'out/shots/day 1/#1 mug\nfront.png'))).toBe(true);
    expect(existsSync(path.join(root, 'out/shots/b.png'))).toBe(true);
  });

  it('says which CSV column it reads when --column is not given, finding it by its header', async () => {
    const root = await tempDir();
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'mug.jpg'));
    await writeFile(path.join(root, 'catalogue.csv'), 'sku,title,image_path\n42,Mug,mug.jpg\n');
    const { code, stderr } = await run(
      ['edit', '--from-file', 'catalogue.csv', '-o', 'out', '--yes', '--no-progress'],
      root,
    );
    expect(code).toBe(0);
    expect(stderr).toContain('catalogue.csv: reading the inputs from column 3 ("image_path": found by its header)');
  });

  it('checks every input in a --dry-run, list entries included, and sends nothing', async () => {
    const root = await tempDir();
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'mug.jpg'));
    await writeFile(path.join(root, 'list.txt'), 'mug.jpg\nmissing.jpg\nlist.txt\n');
    const { code, stdout, requests } = await run(['edit', '--from-file', 'list.txt', '--dry-run', '--json'], root);
    expect(code).toBe(1);
    const events = ndjson(stdout);
    expect(events.filter((event) => event.type === 'plan').map((event) => event.input)).toEqual(['mug.jpg']);
    expect(
      events
        .filter((event) => event.type === 'result' && event.status === 'failed')
        .map((event) => [event.input, event.error]),
    ).toEqual([
      ['missing.jpg', 'no such file'],
      ['list.txt', 'not an image: unrecognised bytes'],
    ]);
    expect(requests).toHaveLength(0);
  });
});

describe('--report', () => {
  it('writes the review page at the end of a run, beside the outputs, from the state folder when there is one', async () => {
    const root = await tempDir();
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'mug.jpg'));
    const { code, stderr } = await run(
      ['edit', 'mug.jpg', '-o', 'dist', '--state-dir', 'state', '--yes', '--report', '--no-progress'],
      root,
    );
    expect(code).toBe(0);
    expect(stderr).toContain('report: dist/photoroom-report.html');
    const page = await readFile(path.join(root, 'dist/photoroom-report.html'), 'utf8');
    expect(page).toContain('mug.png');
    const dryRun = await run(['edit', 'mug.jpg', '-o', 'planned', '--dry-run', '--report'], root);
    expect(dryRun.code).toBe(0);
    expect(existsSync(path.join(root, 'planned/photoroom-report.html'))).toBe(false);
  });
});
