/**
 * End-to-end harness: the built CLI spawned as a user runs it, against a real emulator on
 * loopback that records every request it receives.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/server.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/photoroom.js');
export const FIXTURES = path.join(ROOT, 'fixtures/products');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string;
  /**
   * Let file modes apply to the CLI although the tests run as root: it runs as an
   * unprivileged user of a user namespace of its own, which has no capabilities outside
   * it, so a mode-000 file is unreadable while a mode-700 checkout owned by root stays
   * readable (its owner's bits apply). Not needed, so not done, when the tests run unprivileged.
   */
  withoutPrivileges?: boolean;
}

/** The command that runs the CLI: through `unshare` when privileges must be dropped. */
function cliCommand(args: readonly string[], withoutPrivileges: boolean | undefined): [string, string[]] {
  const cli = [process.execPath, BIN, ...args];
  if (!withoutPrivileges || process.getuid?.() !== 0) return [cli[0]!, cli.slice(1)];
  return ['unshare', ['--user', '--map-user=65534', '--map-group=65534', ...cli]];
}

/**
 * The user's cache folder of every CLI run of this worker (a one-file run keeps its records
 * there, a bucket run its run log: cli/output-file-state.ts), in the temporary folder, never
 * the developer's own. One per worker, not per file: a worker runs file after file in one
 * module graph (isolate: false), so a test finds here what an earlier file's runs left.
 */
export const TEST_CACHE = mkdtempSync(path.join(tmpdir(), 'photoroom-e2e-cache-'));

/**
 * The environment a test's CLI run sees: this process's without any PHOTOROOM_* (a developer's
 * own key or URL must not leak into a test), colour off, its own cache folder, then the test's own (an undefined
 * value leaves a variable out, as `spawn` does).
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('PHOTOROOM_'));
  const merged = Object.entries({
    ...Object.fromEntries(inherited),
    NO_COLOR: '1',
    XDG_CACHE_HOME: TEST_CACHE,
    ...extra,
  });
  return Object.fromEntries(merged.filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** Runs `photoroom ...args` with a clean environment (no PHOTOROOM_* from the host). */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  const [command, commandArgs] = cliCommand(args, options.withoutPrivileges);
  return runProgram(command, commandArgs, options);
}

/** Runs a program as runCli runs the CLI: its environment clean of PHOTOROOM_*, colour off, stdin given. */
export function runProgram(
  command: string,
  args: readonly string[],
  options: Omit<RunOptions, 'withoutPrivileges'> = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? ROOT,
      env: cleanEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    // A program that ends without reading its input (a script's `exit 0`) closes the pipe
    // first: its stdin is not the test's business then.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin.end(options.input ?? '');
  });
}

export async function tempDir(prefix = 'photoroom-e2e-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

export async function recordingEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ record: true, ...options });
}

/** Environment pointing the CLI at an emulator. */
export function emulatorEnv(emulator: RunningEmulator, apiKey = 'sk_test_e2e'): Record<string, string> {
  return { PHOTOROOM_BASE_URL: emulator.url, PHOTOROOM_API_KEY: apiKey };
}

/** Starts `server` on a free loopback port; `close` also ends its kept-alive connections. */
export async function listenOnLoopback(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A static file server on loopback, for URL inputs. */
export async function serveFolder(folder: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const name = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    readFile(path.join(folder, path.normalize(name)))
      .then((bytes) => response.writeHead(200, { 'content-length': bytes.length }).end(bytes))
      .catch(() => response.writeHead(404).end());
  });
  return listenOnLoopback(server);
}

export interface ScriptedRequest {
  method: string;
  path: string;
  /** Monotonic arrival time (ms). */
  at: number;
  /** Wall-clock arrival time (ms since the epoch), for HTTP dates. */
  wallAt: number;
}

/**
 * A loopback server answering from a script, one answer per request in order (the last one
 * repeats): for exact timings such as a 429 with a short Retry-After.
 */
export async function scriptedServer(
  answers: readonly { status: number; headers?: Record<string, string>; body?: Buffer | string }[],
): Promise<{ url: string; requests: ScriptedRequest[]; close(): Promise<void> }> {
  const requests: ScriptedRequest[] = [];
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const answer = answers[Math.min(requests.length, answers.length - 1)]!;
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        at: performance.now(),
        wallAt: Date.now(),
      });
      const body = answer.body ?? '';
      response.writeHead(answer.status, { 'content-length': Buffer.byteLength(body), ...answer.headers }).end(body);
    });
  });
  return { ...(await listenOnLoopback(server)), requests };
}

/** Runs a command under a pseudo-terminal (util-linux `script`) of `columns`, as on a developer's terminal. */
export function runInTerminal(
  args: readonly string[],
  env: Record<string, string>,
  cwd: string,
  typed = '',
  columns = 100,
): Promise<CliResult> {
  const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', `stty cols ${columns}; ${command}`, '/dev/null'], {
      cwd,
      env: { ...process.env, ...env, TERM: 'xterm' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr: '' }));
    child.stdin.end(typed);
  });
}
