/**
 * An `Io` for running `main(argv, io)` in-process: stdout and stderr are kept as text (the
 * run's key masked and the terminal's controls escaped, as processIo's), stdin is empty,
 * signals, uncaught exceptions and exits are never delivered. The run's temporary folder is
 * `tmpdir` when given, the environment's otherwise.
 */
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { outputStream, processHost, type Io } from '../../src/cli/io.js';
import { Redactor } from '../../src/secrets.js';

export interface MemoryIo extends Io {
  readonly out: () => string;
  readonly err: () => string;
}

/** A stream that keeps what is written to it, text and bytes alike; `onWrite` hears of each write once it is kept. */
export function textSink(onWrite?: () => void): { stream: Writable; text: () => string; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      onWrite?.();
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString(), bytes: () => Buffer.concat(chunks) };
}

export function memoryIo(options: { env?: Record<string, string>; cwd: string; tmpdir?: string }): MemoryIo {
  const host = processHost();
  const redactor = new Redactor();
  const stdout = textSink();
  const stderr = textSink();
  const stdin = new PassThrough();
  stdin.end();
  return {
    stdout: outputStream(stdout.stream, redactor),
    stderr: outputStream(stderr.stream, redactor),
    stdin,
    env: options.env ?? {},
    cwd: options.cwd,
    host: { ...host, tmpdir: options.tmpdir ?? host.tmpdir },
    // Keyed by each output file's real path, so tests may share it; never the developer's own.
    cacheDir: path.join(options.tmpdir ?? host.tmpdir, 'photoroom-memory-io-cache'),
    redactor,
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
