/**
 * The CLI run in the test's own process: `main(argv, io)` with in-memory streams, the
 * environment the spawn harness gives (test/e2e/harness.ts cleanEnv), and signal, exit and
 * uncaught-exception handlers that are recorded instead of installed on this process. The
 * result has runCli's shape, so a test moves between the two with a one-word change.
 *
 * What it cannot show, and keeps to spawned tests: a terminal, real signals, a stdout that
 * refuses writes, a process that never exits, and whatever reads the process itself
 * (os.tmpdir(), privileges; the test's TMPDIR is passed on as the run's temporary folder).
 * When to use which: CONTRIBUTING.md, "In-process or spawned?".
 */
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { outputStream, processHost, type Interrupt, type Io } from '../../src/cli/io.js';
import { Redactor } from '../../src/secrets.js';
import { cleanEnv, ROOT, type CliResult, type RunOptions } from '../e2e/harness.js';
import { textSink } from './memory-io.js';
import { userCacheFolder } from '../../src/cli/cache-folder.js';
import { homedir } from 'node:os';

export interface InProcessResult extends CliResult {
  code: number;
  /** Standard output as bytes: the image of `-o -`. */
  stdoutBytes: Buffer;
}

/** A run under way: what it registered on "the process", and the means to fire it. */
export interface RunningCli {
  readonly done: Promise<InProcessResult>;
  /** The signals some handler listens to now. */
  listening(): Interrupt[];
  /** Delivers `signal` to every handler listening to it, as `kill -INT` would; false if none listens. */
  signal(signal: Interrupt): boolean;
  /** Resolves once standard output holds `text` (rejects if the run ends first): for a test that acts while the run goes on. */
  printed(text: string): Promise<void>;
}

/** Handlers registered as with `process.on`: the same function twice is called twice, and each release removes its own. */
function handlerSet() {
  const entries = new Set<{ handler: () => void }>();
  return {
    size: () => entries.size,
    all: () => [...entries].map((entry) => entry.handler),
    add(handler: () => void): () => void {
      const entry = { handler };
      entries.add(entry);
      return () => entries.delete(entry);
    },
  };
}

/** Starts `photoroom ...args` in this process; see runInProcess for most tests. */
export function startInProcess(
  args: readonly string[],
  options: Omit<RunOptions, 'withoutPrivileges'> = {},
): RunningCli {
  // What leaves the program is masked by the run's own redactor, then escaped, as processIo does.
  const redactor = new Redactor();
  // Tests waiting for a text on stdout (printed), each told once it is there.
  const waiting = new Set<{ text: string; resolve: () => void; reject: (error: Error) => void }>();
  const stdout = textSink(() => {
    if (waiting.size === 0) return;
    const written = stdout.text();
    for (const waiter of waiting) {
      if (written.includes(waiter.text)) {
        waiting.delete(waiter);
        waiter.resolve();
      }
    }
  });
  const stderr = textSink();
  const env = cleanEnv(options.env);
  const host = processHost();
  const stdin = new PassThrough();
  stdin.end(options.input ?? '');
  const signals = new Map<Interrupt, ReturnType<typeof handlerSet>>([
    ['SIGINT', handlerSet()],
    ['SIGTERM', handlerSet()],
  ]);
  const exits = handlerSet();
  const io: Io = {
    stdout: outputStream(stdout.stream, redactor),
    stderr: outputStream(stderr.stream, redactor),
    stdin,
    env,
    cwd: options.cwd ?? ROOT,
    // As os.tmpdir() reads it in a process of its own.
    host: { ...host, tmpdir: env.TMPDIR || host.tmpdir },
    // cleanEnv names the test run's own cache folder: nothing lands in the developer's.
    cacheDir: userCacheFolder(env, process.platform, homedir()),
    redactor,
    onSignal(names, handler) {
      const releases = names.map((name) => signals.get(name)!.add(handler));
      return () => releases.forEach((release) => release());
    },
    // Memory never refuses a write: a refusing stdout is a spawned test's (stdout.test.ts).
    onStdoutRefused: () => () => {},
    // An exception nobody caught fails the test itself (vitest reports it): a spawned test's (hostile.test.ts).
    onUncaught: () => () => {},
    onExit: (handler) => exits.add(handler),
    exitNow: (code) => {
      throw new Error(`exitNow(${code}): ending the process at once is a spawned test's`);
    },
  };
  const done = main(args, io).then((code) => {
    // The process would exit now: what still listens for its exit hears it.
    for (const handler of exits.all()) handler();
    for (const waiter of waiting)
      waiter.reject(new Error(`the run ended without printing ${JSON.stringify(waiter.text)} on stdout`));
    return { code, stdout: stdout.text(), stderr: stderr.text(), stdoutBytes: stdout.bytes() };
  });
  return {
    done,
    listening: () => [...signals].filter(([, set]) => set.size() > 0).map(([name]) => name),
    signal(name) {
      const handlers = signals.get(name)!.all();
      for (const handler of handlers) handler();
      return handlers.length > 0;
    },
    printed(text) {
      if (stdout.text().includes(text)) return Promise.resolve();
      return new Promise((resolve, reject) => waiting.add({ text, resolve, reject }));
    },
  };
}

/** Runs `photoroom ...args` in this process, as runCli runs it in a child: same options, same result. */
export function runInProcess(
  args: readonly string[],
  options: Omit<RunOptions, 'withoutPrivileges'> = {},
): Promise<InProcessResult> {
  return startInProcess(args, options).done;
}
