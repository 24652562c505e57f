import { redacting } from './redact.js';

/** Where a command writes and what it reads from its surroundings; tests pass their own. */
export interface Io {
  stdout: NodeJS.WritableStream;
  /** A terminal's stream says so (`isTTY`): the progress bar, colour and prompts depend on it. */
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** A command that finishes without throwing may still end with a non-zero code (a batch). */
  exitCode?: number;
}

export function processIo(): Io {
  return { stdout: redacting(process.stdout), stderr: redacting(process.stderr), env: process.env, cwd: process.cwd() };
}

export function printLines(stream: NodeJS.WritableStream, lines: readonly string[]): void {
  if (lines.length > 0) stream.write(`${lines.join('\n')}\n`);
}
