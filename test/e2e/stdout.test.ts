/**
 * A standard output that refuses what it is given: a full disk behind `> file` (/dev/full)
 * and a reader that goes away early (`| head -c 10`). The process is the point: its real
 * stdout is the trap. The image it refused was paid for, so it is kept and its place said.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { BIN, emulatorEnv, recordingEmulator, tempDir, type CliResult } from './harness.js';

let emulator: RunningEmulator;
let root: string;

beforeAll(async () => {
  emulator = await recordingEmulator({ echo: true });
  root = await tempDir();
  // Noise does not compress: the echoed answer (about 4 MB) is far more than the child's
  // stdout can hold unread (Node's stdio pipes are socket pairs, whose buffers take a few
  // hundred KB), so a reader that leaves early is met by the writes, however slow it is.
  const noise = { type: 'gaussian', mean: 128, sigma: 60 } as const;
  await sharp({ create: { width: 1200, height: 1200, channels: 3, background: '#808080', noise } })
    .png()
    .toFile(path.join(root, 'noise.png'));
});

afterAll(async () => {
  await emulator.close();
});

/**
 * `photoroom ...args` with its stdout on `stdout`: a file descriptor, or a pipe whose reader
 * leaves after `keepBytes`; `env` adds to the environment.
 */
function runWithStdout(
  args: readonly string[],
  stdout: number | { keepBytes: number },
  env: Record<string, string> = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: root,
    env: { ...process.env, ...emulatorEnv(emulator, 'sk_test_stdout'), NO_COLOR: '1', ...env },
    stdio: ['ignore', typeof stdout === 'number' ? stdout : 'pipe', 'pipe'],
  });
  let stderr = '';
  let kept = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  if (typeof stdout !== 'number') {
    child.stdout!.on('data', (chunk: Buffer) => {
      kept += chunk.subarray(0, stdout.keepBytes - kept.length).toString('latin1');
      if (kept.length >= stdout.keepBytes) child.stdout!.destroy();
    });
  }
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: kept, stderr }));
  });
}

/** The lines that are neither progress nor summary: what is said about the image; the folder it is kept in is returned (removed). */
async function expectOneRefusal(stderr: string, refusal: string): Promise<string> {
  expect(stderr).not.toMatch(/^ok /m);
  expect(stderr).not.toMatch(/ 1 ok/);
  expect(stderr).not.toContain('unexpected error');
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).toContain(`failed  noise.png: ${refusal}`);
  expect(stderr).toMatch(/: 0 ok, 0 skipped, 1 failed/);
  // The image was paid for: it is kept, whole, where the last line says.
  const kept = /^photoroom: the image standard output did not take is kept at (.+) \(it was paid for\)$/m.exec(
    stderr,
  )?.[1];
  expect(kept).toBeDefined();
  try {
    expect((await readFile(kept!)).equals(await readFile(path.join(root, 'noise.png')))).toBe(true);
  } finally {
    await rm(path.dirname(kept!), { recursive: true, force: true });
  }
  return path.dirname(kept!);
}

describe('-o - reports success before stdout took it', () => {
  it('fails the input, in one line without a stack trace, and exits 1 when stdout is a full disk; the image is kept under TMPDIR', async () => {
    const full = openSync('/dev/full', 'w');
    // The process reads TMPDIR itself (os.tmpdir()): in-process runs are given it instead.
    const temporary = await tempDir();
    const result = await runWithStdout(['edit', 'noise.png', '-o', '-', '--yes'], full, { TMPDIR: temporary }).finally(
      () => closeSync(full),
    );
    expect(result.code).toBe(1);
    const keptIn = await expectOneRefusal(
      result.stderr,
      'standard output refused the image: no space left on the device (ENOSPC)',
    );
    expect(path.dirname(keptIn)).toBe(temporary);
  });

  it('fails the input and exits 1 when the reader of stdout leaves after 10 bytes', async () => {
    const result = await runWithStdout(['edit', 'noise.png', '-o', '-', '--yes'], { keepBytes: 10 });
    expect(result.stdout).toBe('\x89PNG\r\n\x1a\n\0\0');
    expect(result.code).toBe(1);
    await expectOneRefusal(result.stderr, 'standard output was closed before it took the whole image (EPIPE)');
  });

  it('says in one line, exit 1, that a full disk took no text of another command', async () => {
    const full = openSync('/dev/full', 'w');
    const result = await runWithStdout(['params'], full).finally(() => closeSync(full));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'photoroom: standard output refused what was written: no space left on the device (ENOSPC)\n',
    );
  });
});

/** `photoroom ...args` with its stderr on file descriptor `stderr`; what it printed on stdout is returned. */
function runWithStderr(args: readonly string[], stderr: number): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: root,
    env: { ...process.env, ...emulatorEnv(emulator, 'sk_test_stdout'), NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', stderr],
  });
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr: '' }));
  });
}

describe('a standard error that refuses what it is given (2>/dev/full)', () => {
  it('leaves the exit code the command earned: 2 for a usage error, nothing sent', async () => {
    const full = openSync('/dev/full', 'w');
    const result = await runWithStderr(['edit', 'noise.png', '--padding', '300%', '-o', 'refused/'], full).finally(() =>
      closeSync(full),
    );
    expect(result.code).toBe(2);
    await expect(readFile(path.join(root, 'refused', 'noise.png'))).rejects.toThrow(/ENOENT/);
  });

  it('does not stop a batch: the image is written and the run exits 0', async () => {
    const full = openSync('/dev/full', 'w');
    const result = await runWithStderr(['edit', 'noise.png', '-o', 'unheard/'], full).finally(() => closeSync(full));
    expect(result.code).toBe(0);
    expect((await readFile(path.join(root, 'unheard', 'noise.png'))).length).toBeGreaterThan(0);
  });
});
