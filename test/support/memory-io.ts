/**
 * An `Io` for running `main(argv, io)` in-process: stdout and stderr are kept as text, stdin
 * is empty, signals, uncaught exceptions and exits are never delivered.
 */
import { PassThrough, Writable } from 'node:stream';
import type { Io } from '../../src/cli/io.js';

export interface MemoryIo extends Io {
  readonly out: () => string;
  readonly err: () => string;
}

/** A stream that keeps what is written to it; `transform` rewrites each text write first, bytes are kept as they are. */
export function textSink(transform: (text: string) => string = (text) => text): { stream: Writable; text: () => string; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(transform(chunk)) : chunk);
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString(), bytes: () => Buffer.concat(chunks) };
}

export function memoryIo(options: { env?: Record<string, string>; cwd: string }): MemoryIo {
  const stdout = textSink();
  const stderr = textSink();
  const stdin = new PassThrough();
  stdin.end();
  return {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin,
    env: options.env ?? {},
    cwd: options.cwd,
    onSignal: () => () => {},
    onStdoutRefused: () => () => {},
    onExit: () => () => {},
    onUncaught: () => () => {},
    exitNow: (code) => {
      throw new Error(`exitNow(${code}) in an in-process test`);
    },
    out: stdout.text,
    err: stderr.text,
  };
}
