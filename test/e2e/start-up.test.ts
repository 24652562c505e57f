/**
 * What stops a run before it starts, as a new user meets it: one line that says what to do,
 * exit 2, no stack trace, and nothing sent (not even the credits check).
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { copyFile, chmod, lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createServer as createSocketServer } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { runInProcess } from '../support/in-process.js';
import {
  BIN,
  emulatorEnv,
  FIXTURES,
  listenOnLoopback,
  recordingEmulator,
  runCli,
  runProgram,
  tempDir,
  type CliResult,
} from './harness.js';

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

/** In this process, or spawned without privileges: file modes apply only to an unprivileged process. */
async function runAgainstEmulator(args: string[], options: { withoutPrivileges?: boolean } = {}) {
  const before = emulator.requests.length;
  const run = options.withoutPrivileges ? runCli : runInProcess;
  const result = await run(args, { cwd: root, env: emulatorEnv(emulator, 'sk_test_start_up'), ...options });
  return { result, requests: emulator.requests.slice(before) };
}

describe('photoroom emulator', () => {
  it('says when the port is out of range', async () => {
    expect(startUpError(await runInProcess(['emulator', '--port', '70000']))).toBe(
      'photoroom: --port 70000: a port is a number from 1 to 65535 (0: any free port)',
    );
  });

  it('says when the port is taken', async () => {
    const taken = await listenOnLoopback(createServer());
    try {
      const port = new URL(taken.url).port;
      expect(startUpError(await runInProcess(['emulator', '--port', port]))).toBe(
        `photoroom: cannot listen on 127.0.0.1:${port}: the port is already in use (another emulator?): choose another --port, or --port 0 for any free one`,
      );
    } finally {
      await taken.close();
    }
  });
});

describe('a run that names no s3:// location', () => {
  it('loads nothing of the AWS SDK (@aws-sdk, @smithy): start-up stays fast', async () => {
    // The CLI's main() run to its end in a process of its own, then the CommonJS modules it loaded listed.
    const script = `
      import { createRequire } from 'node:module';
      const { main } = await import(${JSON.stringify(path.join(path.dirname(BIN), '../dist/cli/main.js'))});
      const code = await main(['edit', 'mug.jpg', '-o', 'out', '--yes', '--quiet', '--no-progress']);
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify({ code, sdk: loaded.filter((file) => /@aws-sdk|@smithy/.test(file)) }));`;
    const run = await runProgram(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      env: emulatorEnv(emulator),
    });
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toEqual({ code: 0, sdk: [] });
  });
});

describe('commands that read no config and send nothing', () => {
  it('--version, --help and completion load no package but commander (the config reader, sharp, undici are left for the commands that use them)', async () => {
    // main() run for each in one process of its own, then the CommonJS packages it loaded listed.
    const script = `
      import { createRequire } from 'node:module';
      const { main } = await import(${JSON.stringify(path.join(path.dirname(BIN), '../dist/cli/main.js'))});
      const codes = [];
      for (const args of [['--version'], ['--help'], ['edit', '--help'], ['completion', 'bash']]) codes.push(await main(args));
      const loaded = Object.keys(createRequire(import.meta.url).cache).map((file) => file.split('node_modules/')[1]?.split('/')[0]);
      console.log(JSON.stringify({ codes, packages: [...new Set(loaded.filter(Boolean))] }));`;
    const run = await runProgram(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toEqual({ codes: [0, 0, 0, 0], packages: ['commander'] });
  });
});

describe('each command loads its own module alone', () => {
  const DIST = path.join(path.dirname(BIN), '../dist');

  /** Our modules (paths under dist/) that main(args) loaded in a process of its own, as a module load hook saw them. */
  async function modulesLoadedBy(args: readonly string[]): Promise<string[]> {
    const log = path.join(await tempDir(), 'loaded');
    const hooks = `
      import { appendFileSync } from 'node:fs';
      let log;
      export function initialize(file) { log = file; }
      export function load(url, context, nextLoad) { appendFileSync(log, url + '\\n'); return nextLoad(url, context); }`;
    const script = `
      import { register } from 'node:module';
      register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)}, { data: ${JSON.stringify(log)} });
      const { main } = await import(${JSON.stringify(path.join(DIST, 'cli/main.js'))});
      process.exitCode = await main(${JSON.stringify(args)});`;
    const run = await runProgram(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    expect(run.code, run.stderr).toBe(0);
    const ours = `${pathToFileURL(DIST).href}/`;
    const loaded = (await readFile(log, 'utf8')).split('\n').filter((url) => url.startsWith(ours));
    return loaded.map((url) => url.slice(ours.length));
  }

  it.each([
    [['--version'], []],
    [['--help'], []],
    [['account', '--help'], ['cli/commands/account.js']],
  ])(
    '%j loads no command module but %j, nor the parameters, the HTTP client or the output store',
    async (args, own) => {
      const loaded = await modulesLoadedBy(args);
      expect(loaded).toContain('cli/main.js');
      expect(loaded.filter((file) => file.startsWith('cli/commands/'))).toEqual(own);
      // A usage error's "did you mean" needs no parameter rules; an API error's codes, no node:https.
      expect(loaded.filter((file) => file.startsWith('params/'))).toEqual([]);
      expect(loaded).not.toContain('api/http.js');
      expect(loaded.filter((file) => file.startsWith('store/'))).toEqual([]);
    },
  );
});

describe('photoroom edit', () => {
  it('without a key, points at sandbox keys and at --emulator', async () => {
    const line = startUpError(await runInProcess(['edit', 'mug.jpg'], { cwd: root }));
    expect(line).toMatch(
      /^photoroom: no API key: set PHOTOROOM_API_KEY .*sandbox keys \(sandbox_\.\.\.\) are free for trials/,
    );
    expect(line).toContain('--emulator');
  });

  it.each([
    ['/proc/photoroom-out', 'no such file or folder (ENOENT)'],
    ['mug.jpg/out', 'a file is in the way of a folder (ENOTDIR)'],
  ])('refuses an output folder it cannot write (-o %s) before anything is sent', async (out, reason) => {
    const { result, requests } = await runAgainstEmulator(['edit', 'mug.jpg', '-o', out]);
    expect(startUpError(result)).toBe(
      `photoroom: -o ${out}: results cannot be written there: ${reason}; choose another output folder with -o`,
    );
    expect(requests).toEqual([]);
  });

  it('names --state-dir, not -o, when the state folder cannot be written', async () => {
    const { result, requests } = await runAgainstEmulator([
      'edit',
      'mug.jpg',
      '-o',
      'fine',
      '--state-dir',
      '/proc/photoroom-state',
    ]);
    expect(startUpError(result)).toBe(
      'photoroom: --state-dir /proc/photoroom-state: results cannot be written there: no such file or folder (ENOENT); choose another state folder with --state-dir',
    );
    expect(requests).toEqual([]);
  });

  it('leaves no temporary folder behind when a run with -o - is refused at start-up', async () => {
    const temporary = await tempDir();
    // The run's temporary folder is TMPDIR's, as in a process of its own (that a real process reads it: stdout.test.ts).
    const result = await runInProcess(['edit', 'mug.jpg', '-o', '-'], { cwd: root, env: { TMPDIR: temporary } });
    expect(startUpError(result)).toMatch(/^photoroom: no API key/);
    expect(await readdir(temporary)).toEqual([]);
  });

  it('refuses an output folder without write permission, and leaves no file in it', async () => {
    const locked = path.join(root, 'locked');
    await mkdir(locked);
    await writeFile(path.join(locked, 'keep.txt'), '');
    await chmod(locked, 0o555);
    const { result, requests } = await runAgainstEmulator(['edit', 'mug.jpg', '-o', 'locked'], {
      withoutPrivileges: true,
    });
    expect(startUpError(result)).toBe(
      'photoroom: -o locked: results cannot be written there: permission denied (EACCES); choose another output folder with -o',
    );
    expect(requests).toEqual([]);
    expect(await readdir(locked)).toEqual(['keep.txt']);
  });

  it('makes a missing output folder and leaves no probe behind', async () => {
    const { result } = await runAgainstEmulator(['edit', 'mug.jpg', '-o', 'new/deep', '--yes']);
    expect(result.code).toBe(0);
    expect((await readdir(path.join(root, 'new/deep'))).sort()).toEqual([
      'mug.png',
      'mug.png.json',
      'photoroom-run.jsonl',
    ]);
  });
});

describe('a run that sends nothing leaves nothing behind', () => {
  /** A folder of its own holding mug.jpg, so that whatever a run leaves shows in its listing. */
  async function freshFolder(): Promise<string> {
    const folder = await tempDir();
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(folder, 'mug.jpg'));
    return folder;
  }

  it('makes no output folder for a mistyped input, nested or not, and keeps a folder that was there', async () => {
    const folder = await freshFolder();
    await mkdir(path.join(folder, 'there'));
    const env = emulatorEnv(emulator, 'sk_test_start_up');
    for (const out of [[], ['-o', 'new/deep'], ['-o', 'there'], ['-o', 'file/result.png']]) {
      const result = await runInProcess(['edit', 'mugg.jpg', ...out, '--bg', 'white'], { cwd: folder, env });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain('mugg.jpg: no such file or folder');
    }
    expect((await readdir(folder)).sort()).toEqual(['mug.jpg', 'there']);
    expect(await readdir(path.join(folder, 'there'))).toEqual([]);
  });

  it('makes no output or state folder, and no report, when the credits check fails', async () => {
    const folder = await freshFolder();
    const broke = await recordingEmulator({ echo: true, credits: 0 });
    try {
      const result = await runInProcess(
        ['edit', 'mug.jpg', '-o', 'out', '--state-dir', 'state', '--report', '--bg', 'white', '--no-progress'],
        { cwd: folder, env: emulatorEnv(broke) },
      );
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr).toContain('the account has 0 left: nothing was sent');
      expect(result.stderr).toContain('report: none, nothing to report\n');
      expect(await readdir(folder)).toEqual(['mug.jpg']);
    } finally {
      await broke.close();
    }
  });
});

describe('an output that is not a file', () => {
  const toStdout = 'results are written only to files and folders; for standard output use -o -';
  let traps: string;
  const socketServer = createSocketServer();

  beforeAll(async () => {
    traps = await tempDir();
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(traps, 'mug.jpg'));
    execFileSync('mkfifo', [path.join(traps, 'fifo.png')]);
    await new Promise<void>((resolve) => socketServer.listen(path.join(traps, 'socket'), resolve));
    await symlink('/dev/null', path.join(traps, 'null.png'));
  });

  afterAll(async () => {
    await new Promise((resolve) => socketServer.close(resolve));
  });

  // Where the old code made a folder of a device's name or renamed over it, each in the
  // traps folder; /dev/null and /dev/stdout (a pipe here) are only ever refused.
  it.each([
    [['-o', 'fifo.png'], '-o fifo.png is a FIFO'],
    [['-o', 'socket'], '-o socket is a socket'],
    [['-o', 'null.png'], '-o null.png is a character device'],
    [['-o', '/dev/null'], '-o /dev/null is a character device'],
    [['-o', '/dev/stdout'], '-o /dev/stdout leads to /proc/self/fd/1, a file descriptor'],
    [['-o', '/dev/fd/1'], '-o /dev/fd/1 is a file descriptor'],
  ])('refuses %j in one line pointing at -o -, before anything is sent', async (out, refusal) => {
    const before = emulator.requests.length;
    const result = await runInProcess(['edit', 'mug.jpg', ...out], {
      cwd: traps,
      env: emulatorEnv(emulator, 'sk_test_traps'),
    });
    expect(startUpError(result)).toBe(`photoroom: ${refusal}, not a file or a folder: ${toStdout}`);
    expect(emulator.requests.slice(before)).toEqual([]);
  });

  it('refuses a --state-dir that is a FIFO, and makes no output folder', async () => {
    const result = await runInProcess(['edit', 'mug.jpg', '-o', 'out', '--state-dir', 'fifo.png'], {
      cwd: traps,
      env: emulatorEnv(emulator, 'sk_test_traps'),
    });
    expect(startUpError(result)).toBe(
      'photoroom: --state-dir fifo.png is a FIFO, not a file or a folder: results are written only to files and folders; name a folder with --state-dir',
    );
    expect((await readdir(traps)).sort()).toEqual(['fifo.png', 'mug.jpg', 'null.png', 'socket']);
  });

  it('refuses an output file that is a symbolic link, which a result would replace', async () => {
    const folder = await tempDir();
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(folder, 'mug.jpg'));
    await writeFile(path.join(folder, 'kept.png'), 'kept');
    await symlink('kept.png', path.join(folder, 'latest.png'));
    const result = await runInProcess(['edit', 'mug.jpg', '-o', 'latest.png', '--yes'], {
      cwd: folder,
      env: emulatorEnv(emulator, 'sk_test_traps'),
    });
    expect(startUpError(result)).toBe(
      'photoroom: -o latest.png is a symbolic link: a result replaces only a regular file; give -o the file it leads to, or another',
    );
    expect(await readlink(path.join(folder, 'latest.png'))).toBe('kept.png');
    expect(await readFile(path.join(folder, 'kept.png'), 'utf8')).toBe('kept');
  });

  it('never renames over a link to its own standard output (/dev/stdout > result.png, in a folder of the test)', async () => {
    const folder = await tempDir();
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(folder, 'mug.jpg'));
    await symlink('/proc/self/fd/1', path.join(folder, 'stdout.png'));
    const result = openSync(path.join(folder, 'result.png'), 'w');
    const child = spawn(process.execPath, [BIN, 'edit', 'mug.jpg', '-o', 'stdout.png', '--yes'], {
      cwd: folder,
      env: { ...process.env, ...emulatorEnv(emulator, 'sk_test_traps') },
      stdio: ['ignore', result, 'pipe'],
    });
    closeSync(result);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(startUpError({ code, stdout: '', stderr })).toBe(
      `photoroom: -o stdout.png leads to /proc/self/fd/1, a file descriptor, not a file or a folder: ${toStdout}`,
    );
    expect((await lstat(path.join(folder, 'stdout.png'))).isSymbolicLink()).toBe(true);
    expect(await readlink(path.join(folder, 'stdout.png'))).toBe('/proc/self/fd/1');
    expect(await readFile(path.join(folder, 'result.png'))).toHaveLength(0);
    expect((await readdir(folder)).sort()).toEqual(['mug.jpg', 'result.png', 'stdout.png']);
  });
});
