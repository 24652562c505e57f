/**
 * An `Io` for running `main(argv, io)` in-process: stdout and stderr are kept as text, stdin
 * is empty, signals, uncaught exceptions and exits are never delivered. The run's temporary
 * folder is `tmpdir` when given, the environment's otherwise.
 */
import { PassThrough, Writable } from 'node:stream';
import { processHost, type Io } from '../../src/cli/io.js';

export interface MemoryIo extends Io {
  readonly out: () => string;
  readonly err: () => string;
}

function textSink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

export function memoryIo(options: { env?: Record<string, string>; cwd: string; tmpdir?: string }): MemoryIo {
  const host = processHost();
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
    host: { ...host, tmpdir: options.tmpdir ?? host.tmpdir },
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
