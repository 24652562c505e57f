/**
 * Everything a command takes from its surroundings: streams, environment, working folder,
 * signals. Only `processIo` touches `process`; tests pass their own.
 */
import { redacting } from '../secrets.js';

export type Interrupt = 'SIGINT' | 'SIGTERM';

/** A terminal's stream says so (`isTTY`) and gives its width: help, the progress bar, colour and prompts depend on it. */
export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface Io {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** A command that finishes without throwing may still end with a non-zero code (a batch). */
  exitCode?: number;
  /** Calls `handler` on each of these signals until the returned function is called. */
  onSignal(signals: readonly Interrupt[], handler: () => void): () => void;
  /** Calls `handler` once when stdout refuses a write (EPIPE: its reader went away; ENOSPC, EIO...), until released. */
  onStdoutRefused(handler: (error: Error) => void): () => void;
  /** Calls `handler` when the process exits, however it exits, until released. */
  onExit(handler: () => void): () => void;
  /** Ends the process at once, without waiting for anything (a second Ctrl-C). */
  exitNow(code: number): never;
}

export function processIo(): Io {
  const stdoutRefused = new Set<(error: Error) => void>();
  // Without a listener, a refused write on stdout would crash the process with a stack trace;
  // with it, later writes are dropped and the listeners say what was lost.
  process.stdout.on('error', (error: Error) => {
    for (const handler of stdoutRefused) handler(error);
    stdoutRefused.clear();
  });
  return {
    stdout: redacting(process.stdout),
    stderr: redacting(process.stderr),
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
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
