/**
 * Everything a command takes from its surroundings: streams, environment, working folder,
 * temporary folder, signals. Only this module reads `process` and `node:os`
 * (eslint.config.js); tests pass their own `Io`.
 */
import { availableParallelism, homedir, hostname, tmpdir } from 'node:os';
import { errorCode } from '../errors.js';
import type { Host } from '../host.js';
import { Redactor } from '../secrets.js';
import { userCacheFolder } from './cache-folder.js';
import { terminalSafe } from './terminal.js';

export type Interrupt = 'SIGINT' | 'SIGTERM';

/** A terminal's stream says so (`isTTY`) and gives its width: help, the progress bar, colour and prompts depend on it. */
export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface Io {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** The temporary folder, this machine and process, as a run takes them (see Host). */
  host: Host;
  /** The user's cache folder: where a one-file run keeps its records (cli/output-file-state.ts). */
  cacheDir: string;
  /** Masks the run's key in stdout and stderr (see outputStream), and in what the run stores. */
  redactor: Redactor;
  /** A command that finishes without throwing may still end with a non-zero code (a batch). */
  exitCode?: number;
  /** Calls `handler` on each of these signals until the returned function is called. */
  onSignal(signals: readonly Interrupt[], handler: () => void): () => void;
  /** Calls `handler` once when stdout refuses a write (EPIPE: its reader went away; ENOSPC, EIO...), until released. */
  onStdoutRefused(handler: (error: Error) => void): () => void;
  /**
   * Calls `handler` with each exception or rejection nobody caught (a library's, thrown
   * from a callback), instead of ending the process, until released.
   */
  onUncaught(handler: (error: unknown) => void): () => void;
  /** Calls `handler` when the process exits, however it exits, until released. */
  onExit(handler: () => void): () => void;
  /** Ends the process at once, without waiting for anything (a second Ctrl-C). */
  exitNow(code: number): never;
}

/** The same stream (TTY methods, events and all) with its text writes passed through `transform`; bytes pass as they are. */
function transformingWrites<T extends NodeJS.WritableStream>(stream: T, transform: (text: string) => string): T {
  return new Proxy(stream, {
    get(target, property) {
      if (property === 'write') {
        return (chunk: unknown, ...rest: unknown[]) =>
          (target.write as (...args: unknown[]) => boolean)(
            typeof chunk === 'string' ? transform(chunk) : chunk,
            ...rest,
          );
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Each output stream's copy that masks the key but does not escape (see unescaped). */
const unescapedCopies = new WeakMap<object, NodeJS.WritableStream>();

/**
 * Everything written to stdout and stderr as text leaves the program here: the key is masked
 * (`redactor`, secrets.ts), then whatever could act on the terminal is escaped (terminal.ts).
 */
export function outputStream<T extends NodeJS.WritableStream>(stream: T, redactor: Redactor): T {
  const redacted = transformingWrites(stream, redactor.redact);
  const escaped = transformingWrites(redacted, terminalSafe);
  unescapedCopies.set(escaped, redacted);
  return escaped;
}

/**
 * `stream` without the terminal escaping (the key is still masked), for what draws on the
 * terminal itself: the progress bar and the confirmation prompt move the cursor. What they
 * show of inputs or answers must be escaped before (cli/terminal.ts escapeControls).
 */
export function unescaped<T extends NodeJS.WritableStream>(stream: T): T {
  return (unescapedCopies.get(stream) as T | undefined) ?? stream;
}

/** Whether process `pid` runs: signal 0 checks without sending; EPERM means it runs as another user. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/** This process, as a run takes it: TMPDIR (through os.tmpdir), the machine's name, the pid. */
export function processHost(): Host {
  return {
    tmpdir: tmpdir(),
    hostname: hostname(),
    pid: process.pid,
    isRunning,
    cores: availableParallelism(),
    runtime: `node/${process.versions.node}`,
  };
}

export function processIo(): Io {
  const stdoutRefused = new Set<(error: Error) => void>();
  // Without a listener, a refused write on stdout would crash the process with a stack trace;
  // with it, later writes are dropped and the listeners say what was lost.
  process.stdout.on('error', (error: Error) => {
    for (const handler of stdoutRefused) handler(error);
    stdoutRefused.clear();
  });
  // stderr is where a refusal would be said, so a refused write there (2>/dev/full, `2>&1 |
  // head`) is dropped: without a listener it would crash the process mid-batch with exit 1.
  process.stderr.on('error', () => {});
  const redactor = new Redactor();
  // The AWS SDK (loaded for s3:// locations) warns on Node 20 that its releases after
  // January 2027 will need Node 22: a note for this project (README, engines), not for the
  // user's terminal on every run.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return {
    stdout: outputStream(process.stdout, redactor),
    stderr: outputStream(process.stderr, redactor),
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    host: processHost(),
    cacheDir: userCacheFolder(process.env, process.platform, homedir()),
    redactor,
    onSignal(signals, handler) {
      for (const signal of signals) process.on(signal, handler);
      return () => {
        for (const signal of signals) process.off(signal, handler);
      };
    },
    onStdoutRefused(handler) {
      stdoutRefused.add(handler);
      return () => stdoutRefused.delete(handler);
    },
    onUncaught(handler) {
      const events = ['uncaughtException', 'unhandledRejection'] as const;
      for (const event of events) process.on(event, handler);
      return () => {
        for (const event of events) process.off(event, handler);
      };
    },
    onExit(handler) {
      process.once('exit', handler);
      return () => process.off('exit', handler);
    },
    exitNow: (code) => process.exit(code),
  };
}

/**
 * Resolves once everything written to `stream` so far was taken or refused, and a refusal
 * was told to its listeners (they hear of it a tick after the write's callback).
 */
export function settled(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => setImmediate(resolve)));
}

export function printLines(stream: NodeJS.WritableStream, lines: readonly string[]): void {
  if (lines.length > 0) stream.write(`${lines.join('\n')}\n`);
}
