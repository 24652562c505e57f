import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SummaryEvent } from '../../src/batch/events.js';
import type { RunningEmulator } from '../../src/emulator/server.js';
import type { Sidecar } from '../../src/store/sidecar.js';
import { emulatorEnv, FIXTURES, recordingEmulator, runCli, runInTerminal, scriptedServer, serveFolder, tempDir } from './harness.js';

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
  const result = await runCli(args, { cwd, env: { ...env, ...extraEnv } });
  return { ...result, requests: emulator.requests.slice(before) };
}

function ndjson(stdout: string): Record<string, unknown>[] {
  return stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
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
    const { code, stderr, requests } = await run(['edit', 'products', '-o', 'out', '--bg', 'white', '--padding', '10%'], root);
    expect(code).toBe(0);
    expect(requests).toHaveLength(5); // the credits check, then four images
    expect(requests[0]?.path).toBe('/v2/account');
    for (const output of EXPECTED_OUTPUTS) expect(existsSync(path.join(root, 'out', output)), output).toBe(true);
    expect(await readFile(path.join(root, 'out/twin-png.png'))).toEqual(await readFile(path.join(FIXTURES, 'bottle.png')));
    expect(stderr).toContain('warning: products/twin.png would also write out/twin.png; writing out/twin-png.png instead');
    expect(stderr).toContain('ignored: 1 not an image, 1 hidden file');
    expect(stderr).toMatch(/4 ok, 0 skipped, 0 failed/);

    const sidecar = await readSidecar(path.join(root, 'out/Été 2024/chaise longue.png'));
    const input = await readFile(path.join(root, 'products/Été 2024/chaise longue.jpg'));
    expect(sidecar).toMatchObject({
      input: { path: 'products/Été 2024/chaise longue.jpg', size: input.length },
      request: { endpoint: '/v2/edit', method: 'POST', fields: [['background.color', 'white'], ['padding', '10%']] },
      response: { status: 200, contentType: 'image/jpeg' }, // --echo answers the upload itself
      attempts: 1,
      output: { path: 'chaise longue.png', size: input.length },
      cli: { version: expect.any(String) },
    });
    expect(JSON.stringify(sidecar)).not.toContain(env.PHOTOROOM_API_KEY);

    const log = (await readFile(path.join(root, 'out/photoroom-run.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    expect(log).toHaveLength(4);
    expect(log.map((line) => line.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(log.map((line) => line.input).sort()).toEqual([
      'products/shoes/run fast.jpg',
      'products/twin.jpg',
      'products/twin.png',
      'products/Été 2024/chaise longue.jpg',
    ]);
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
    expect(changedInput.requests.at(-1)?.fields[0]).toEqual(['imageFile', expect.objectContaining({ filename: 'twin.jpg' })]);

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
    const summary = events.at(-1) as unknown as SummaryEvent;
    expect(summary).toMatchObject({ type: 'summary', ok: 4, skipped: 0, failed: 0, exitCode: 0, ignored: { hidden: 1, 'not-an-image': 1 } });
  });

  it('lists what would be sent with --dry-run, and sends and writes nothing', async () => {
    const { code, stdout, stderr, requests } = await run(['edit', 'products', '-o', 'out', '--bg', 'white', '--dry-run'], root, {
      PHOTOROOM_API_KEY: '',
    });
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
    const flat = await run(['edit', 'products', '-o', 'c', '--name', '{name}-{srcext}.{ext}', '--export.format', 'webp'], root);
    expect(flat.code).toBe(0);
    expect((await readdir(path.join(root, 'c'))).filter((f) => f.endsWith('.webp')).sort()).toEqual([
      'chaise longue-jpg.webp',
      'run fast-jpg.webp',
      'twin-jpg.webp',
      'twin-png.webp',
    ]);
  });

  it('reads inputs from a list file and from stdin', async () => {
    await writeFile(path.join(root, 'list.txt'), '# products to edit\nproducts/twin.jpg\n\nproducts/shoes/run fast.jpg\r\n');
    const fromFile = await run(['edit', '--from-file', 'list.txt', '-o', 'out'], root);
    expect(fromFile.code).toBe(0);
    expect(existsSync(path.join(root, 'out/products/shoes/run fast.png'))).toBe(true);
    const before = emulator.requests.length;
    const fromStdin = await runCli(['segment', '-', '-o', 'seg', '--json'], { cwd: root, env, input: 'products/twin.png\n' });
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
      const { code, requests } = await run(['edit', `${files.url}/mug.jpg`, `${files.url}/sneaker.jpg`, '-o', 'out', '--bg', 'white'], root);
      expect(code).toBe(0);
      const edits = requests.filter((r) => r.path.startsWith('/v2/edit'));
      // Sent concurrently: they may arrive in either order.
      expect(edits.map((r) => [r.method, r.fields[0]]).sort()).toEqual([
        ['GET', ['imageUrl', `${files.url}/mug.jpg`]],
        ['GET', ['imageUrl', `${files.url}/sneaker.jpg`]],
      ]);
      expect(await readdir(path.join(root, 'out'))).toEqual(expect.arrayContaining(['mug.png', 'sneaker.png', 'mug.png.json']));
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
      const { code, stdout } = await runCli(['edit', 'products', '-o', 'out', '--json', '--retries', '8', '--verbose', '--yes', '--concurrency', '1'], {
        cwd: root,
        env: emulatorEnv(flaky),
      });
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
    const server = await scriptedServer([{ status: 400, headers: { 'content-type': 'application/json' }, body: '{"error":{"message":"imageFile is corrupt"}}' }]);
    try {
      const root = await productFolder();
      const { code, stderr } = await runCli(['edit', 'products/twin.png', '-o', 'out', '--yes', '--no-progress'], {
        cwd: root,
        env: { PHOTOROOM_BASE_URL: server.url, PHOTOROOM_API_KEY: 'sk_test_scripted' },
      });
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
      const { code, stderr } = await runCli(['edit', 'products', '-o', 'out', '--concurrency', '1', '--yes', '--no-progress'], {
        cwd: root,
        env: emulatorEnv(broke),
      });
      expect(code).toBe(3);
      expect(stderr).toContain('no credits left');
      expect(stderr).toMatch(/2 inputs not processed/);
      expect(broke.requests.filter((r) => r.path === '/v2/edit').map((r) => r.status)).toEqual([200, 200, 402]);
    } finally {
      await broke.close();
    }
    const toppedUp = await recordingEmulator({ echo: true });
    try {
      const { code } = await runCli(['edit', 'products', '-o', 'out', '--no-progress'], { cwd: root, env: emulatorEnv(toppedUp) });
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
      const { code, stderr } = await runCli(['edit', 'products', '-o', 'out', '--no-progress'], { cwd: root, env: emulatorEnv(low) });
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
    expect(stderr).toContain('products/twin.jpg would be written over the input products/twin.png; inputs are never modified');
    expect(requests).toHaveLength(0);
    expect(await readFile(path.join(root, 'products/twin.png'))).toEqual(before);
  });
});
