/**
 * One run of each command as a user runs it: the built CLI, spawned. The rest of the suite
 * runs most commands in-process (test/support/in-process.ts); here each spawned run is also
 * run in-process, and the two must say the same (timings aside), which is what lets the
 * other tests trust the in-process runs.
 */
import { spawn } from 'node:child_process';
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { STAND_IN_NOTICE } from '../../src/emulator/stand-in.js';
import { runInProcess } from '../support/in-process.js';
import {
  BIN,
  emulatorEnv,
  FIXTURES,
  recordingEmulator,
  runCli,
  tempDir,
  type CliResult,
  type RunOptions,
} from './harness.js';

let emulator: RunningEmulator;
let env: Record<string, string>;

beforeAll(async () => {
  emulator = await recordingEmulator({ echo: true, credits: 50 });
  env = emulatorEnv(emulator, 'sk_test_smoke');
});

afterAll(async () => {
  await emulator.close();
});

/** A folder holding mug.jpg, for one run. */
async function withMug(): Promise<string> {
  const root = await tempDir();
  await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'mug.jpg'));
  return root;
}

/** What a run said, its durations blanked: they are the only part that differs between two runs. */
function withoutTimings(result: CliResult): CliResult {
  const blank = (text: string) => text.replace(/\b\d+(\.\d+)?\s?(ms|s)\b/g, '<time>');
  return { code: result.code, stdout: blank(result.stdout), stderr: blank(result.stderr) };
}

/** Runs `args` spawned, then in-process with the same options in a fresh `cwd` of its own if given; both must say the same. */
async function spawnedAndInProcess(
  args: readonly string[],
  options: RunOptions = {},
  freshCwd?: () => Promise<string>,
): Promise<CliResult> {
  const spawned = await runCli(args, options);
  const inProcess = await runInProcess(args, { ...options, ...(freshCwd && { cwd: await freshCwd() }) });
  expect(withoutTimings({ code: inProcess.code, stdout: inProcess.stdout, stderr: inProcess.stderr })).toEqual(
    withoutTimings(spawned),
  );
  return spawned;
}

describe('each command, spawned, as a user runs it', () => {
  it('edit: sends the image and writes the answer', async () => {
    const root = await withMug();
    const { code, stderr } = await spawnedAndInProcess(
      ['edit', 'mug.jpg', '-o', 'out', '--bg', 'white', '--yes'],
      { cwd: root, env },
      withMug,
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(/1 ok, 0 skipped, 0 failed/);
    expect(await readFile(path.join(root, 'out/mug.png'))).toEqual(await readFile(path.join(FIXTURES, 'mug.jpg')));
  });

  it('segment: sends the image and writes the answer', async () => {
    const root = await withMug();
    const { code, stderr } = await spawnedAndInProcess(
      ['segment', 'mug.jpg', '-o', 'out', '--yes'],
      { cwd: root, env },
      withMug,
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(/1 ok, 0 skipped, 0 failed/);
    expect(await readFile(path.join(root, 'out/mug.png'))).toEqual(await readFile(path.join(FIXTURES, 'mug.jpg')));
  });

  it('account: prints the plan and the images left', async () => {
    const { code, stdout } = await spawnedAndInProcess(['account', '--json'], { env });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ plan: 'emulator', sandbox: false });
  });

  it('params: prints the table of an endpoint', async () => {
    const { code, stdout } = await spawnedAndInProcess(['params', '--endpoint', 'segment']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^FLAG +ENDPOINT +DESCRIPTION$/m);
  });

  it('presets: lists each preset, a JSON line each', async () => {
    const { code, stdout } = await spawnedAndInProcess(['presets', '--json']);
    expect(code).toBe(0);
    const presets = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { name: string; from: string });
    expect(presets.map((preset) => preset.name)).toEqual(['amazon', 'walmart', 'shopify', 'ebay', 'google', 'etsy']);
    expect(presets[0]).toMatchObject({ from: 'built-in', params: { 'background.color': 'FFFFFF' } });
  });

  it('report: writes the review page of a run', async () => {
    const root = await withMug();
    expect((await runInProcess(['edit', 'mug.jpg', '-o', 'out', '--yes'], { cwd: root, env })).code).toBe(0);
    const { code, stdout } = await spawnedAndInProcess(['report', 'out'], { cwd: root });
    expect(code).toBe(0);
    expect(stdout).toBe('out/photoroom-report.html\n');
    expect(await readFile(path.join(root, 'out/photoroom-report.html'), 'utf8')).toContain('mug.png');
  });

  it('completion: prints a script for the shell', async () => {
    const { code, stdout } = await spawnedAndInProcess(['completion', 'bash']);
    expect(code).toBe(0);
    expect(stdout).toContain('complete -F _photoroom photoroom');
  });

  it('emulator: prints its URL, serves requests, and reports its counts on Ctrl-C', async () => {
    const child = spawn(process.execPath, [BIN, 'emulator', '--credits', '2', '--verbose'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(chunk.toString());
        if (match?.[1]) resolve(match[1]);
        else reject(new Error(`unexpected output: ${chunk.toString()}`));
      });
    });
    const body = new FormData();
    body.append(
      'image_file',
      new Blob([await readFile(path.join(FIXTURES, 'mug.jpg'))], { type: 'image/jpeg' }),
      'mug.jpg',
    );
    const response = await fetch(`${url}/v1/segment`, { method: 'POST', body, headers: { 'x-api-key': 'any' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-emulator-cutout')).toBe("border-key (emulator stand-in, not Photoroom's model)");
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    expect(stderr).toMatch(/POST \/v1\/segment → 200 \(\d+ ms\)/);
    expect(stderr).toContain('emulator stopped: 1 requests, 1 succeeded');
    expect(stderr).toContain(`${STAND_IN_NOTICE}\n`);
  });
});
