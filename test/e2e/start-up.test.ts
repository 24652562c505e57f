/**
 * What stops a run before it starts, as a new user meets it: one line that says what to do,
 * exit 2, no stack trace, and nothing sent (not even the credits check).
 */
import { copyFile, chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { emulatorEnv, FIXTURES, listenOnLoopback, recordingEmulator, runCli, tempDir, type CliResult } from './harness.js';

let emulator: RunningEmulator;
let root: string;

beforeAll(async () => {
  emulator = await recordingEmulator({ echo: true });
  root = await tempDir();
  await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'mug.jpg'));
});

afterAll(async () => {
  await emulator.close();
});

/** The one line of a start-up error, after checking that it is one line with exit 2. */
function startUpError({ code, stdout, stderr }: CliResult): string {
  expect(code).toBe(2);
  expect(stdout).toBe('');
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toContain('unexpected error');
  return lines[0] ?? '';
}

async function runAgainstEmulator(args: string[], options: { withoutPrivileges?: boolean } = {}) {
  const before = emulator.requests.length;
  const result = await runCli(args, { cwd: root, env: emulatorEnv(emulator, 'sk_test_start_up'), ...options });
  return { result, requests: emulator.requests.slice(before) };
}

describe('photoroom emulator', () => {
  it('says when the port is out of range', async () => {
    expect(startUpError(await runCli(['emulator', '--port', '70000']))).toBe(
      'photoroom: --port 70000: a port is a number from 1 to 65535 (0: any free port)',
    );
  });

  it('says when the port is taken', async () => {
    const taken = await listenOnLoopback(createServer());
    try {
      const port = new URL(taken.url).port;
      expect(startUpError(await runCli(['emulator', '--port', port]))).toBe(
        `photoroom: cannot listen on 127.0.0.1:${port}: the port is already in use (another emulator?): choose another --port, or --port 0 for any free one`,
      );
    } finally {
      await taken.close();
    }
  });
});

describe('photoroom edit', () => {
  it('without a key, points at sandbox keys and at --emulator', async () => {
    const line = startUpError(await runCli(['edit', 'mug.jpg'], { cwd: root }));
    expect(line).toMatch(/^photoroom: no API key: set PHOTOROOM_API_KEY .*sandbox keys \(sandbox_\.\.\.\) are free for trials/);
    expect(line).toContain('--emulator');
  });

  it.each([
    ['/proc/photoroom-out', 'no such file or folder (ENOENT)'],
    ['mug.jpg/out', 'a file is in the way of a folder (ENOTDIR)'],
  ])('refuses an output folder it cannot write (-o %s) before anything is sent', async (out, reason) => {
    const { result, requests } = await runAgainstEmulator(['edit', 'mug.jpg', '-o', out]);
    expect(startUpError(result)).toBe(`photoroom: -o ${out}: results cannot be written there: ${reason}; choose another output folder`);
    expect(requests).toEqual([]);
  });

  it('names --state-dir, not -o, when the state folder cannot be written', async () => {
    const { result, requests } = await runAgainstEmulator(['edit', 'mug.jpg', '-o', 'fine', '--state-dir', '/proc/photoroom-state']);
    expect(startUpError(result)).toBe(
      'photoroom: --state-dir /proc/photoroom-state: results cannot be written there: no such file or folder (ENOENT); choose another state folder',
    );
    expect(requests).toEqual([]);
  });

  it('leaves no temporary folder behind when a run with -o - is refused at start-up', async () => {
    const temporary = await tempDir();
    const result = await runCli(['edit', 'mug.jpg', '-o', '-'], { cwd: root, env: { TMPDIR: temporary } });
    expect(startUpError(result)).toMatch(/^photoroom: no API key/);
    expect(await readdir(temporary)).toEqual([]);
  });

  it('refuses an output folder without write permission, and leaves no file in it', async () => {
    const locked = path.join(root, 'locked');
    await mkdir(locked);
    await writeFile(path.join(locked, 'keep.txt'), '');
    await chmod(locked, 0o555);
    const { result, requests } = await runAgainstEmulator(['edit', 'mug.jpg', '-o', 'locked'], { withoutPrivileges: true });
    expect(startUpError(result)).toBe('photoroom: -o locked: results cannot be written there: permission denied (EACCES); choose another output folder');
    expect(requests).toEqual([]);
    expect(await readdir(locked)).toEqual(['keep.txt']);
  });

  it('makes a missing output folder and leaves no probe behind', async () => {
    const { result } = await runAgainstEmulator(['edit', 'mug.jpg', '-o', 'new/deep', '--yes']);
    expect(result.code).toBe(0);
    expect((await readdir(path.join(root, 'new/deep'))).sort()).toEqual(['mug.png', 'mug.png.json', 'photoroom-run.jsonl']);
  });
});
