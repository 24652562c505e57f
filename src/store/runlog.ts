/**
 * The run log: one JSON line per input per run, appended to `photoroom-run.jsonl` in the
 * output folder, so a folder's history survives its runs. It is never written through a
 * symbolic link, a line torn by a crash or a full disk is cut off before appending, and a
 * failing disk never takes the batch down with it: the first failure is kept for the summary.
 */
import { constants } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { errorCode, LocalFault, UserError, writeFault } from '../errors.js';
import type { Redactor } from '../secrets.js';
import { specialKind } from '../regular-file.js';

export const RUN_LOG_NAME = 'photoroom-run.jsonl';

/** What a line says of one input's result: the batch's result event, less its headers. */
export interface RunLogResult {
  /** The input as the user named it (a path relative to the working folder, or a URL). */
  input: string;
  /** The output file, relative to the working folder when inside it. */
  output: string;
  /**
   * `not-processed`: requests were sent, but the run stopped (a give-up, a 402, Ctrl-C...)
   * before the input was done or failed for good; a rerun does it.
   */
  status: 'ok' | 'skipped' | 'failed' | 'not-processed';
  /** One-line reason, for `failed`; the last failure, for `not-processed`. */
  error?: string;
  /** HTTP status of the last attempt (0 for a network fault), when a request was made. */
  httpStatus?: number;
  attempts: number;
  /** Attempts whose 2xx came but gave no kept result (cut short, not an image...): each may have been billed. */
  maybeBilled?: number;
  ms: number;
}

/** One line of the run log. */
export interface RunLogLine extends RunLogResult {
  time: string;
  /** When the run started: the same on every line of a run (absent from logs of older versions). */
  run?: string;
}

export interface RunLog {
  /**
   * Appends one line; lines are written in the order appended, all of them by close().
   * Resolves at once while few lines are waiting, else once they are written.
   */
  append(record: object): Promise<void>;
  /** The first write failure, if any (later lines were dropped). */
  readonly failure: LocalFault | null;
  /** The log's size when opened: this run's lines come after it. */
  readonly start: number;
  close(): Promise<void>;
}

/** Lines waiting to be written beyond which append() makes its caller wait. */
const HIGH_WATER_LINES = 256;

/** How far back to look for the last line break of a torn log: lines are far shorter. */
const TAIL_BYTES = 64 * 1024;

/** Cuts a last line that has no line break (a crash or a full disk tore it). */
async function dropTornLine(handle: FileHandle): Promise<void> {
  const { size } = await handle.stat();
  if (size === 0) return;
  const length = Math.min(size, TAIL_BYTES);
  const tail = Buffer.alloc(length);
  await handle.read(tail, 0, length, size - length);
  if (tail[length - 1] === 0x0a) return;
  const lastBreak = tail.lastIndexOf(0x0a);
  await handle.truncate(lastBreak < 0 ? Math.max(0, size - length) : size - length + lastBreak + 1);
}

/** Opens the run log at `file` (see StateLayout.runLogPath) for appending; each line goes through the run's `redactor`. */
export async function openRunLog(file: string, redactor: Redactor): Promise<RunLog> {
  let handle: FileHandle;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    // O_NOFOLLOW: a symbolic link in its place could make the log overwrite any file the user can write.
    // O_NONBLOCK: a FIFO in its place answers at once instead of holding a thread; it is then refused below.
    handle = await open(
      file,
      constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK,
      0o644,
    );
  } catch (error) {
    if (errorCode(error) === 'ELOOP')
      throw new UserError(`${file} is a symbolic link: the run log is never written through one; remove it`);
    throw writeFault(error, file);
  }
  const inTheWay = await handle.stat().then(
    (stats) => specialKind(stats),
    () => null,
  );
  if (inTheWay) {
    await handle.close().catch(() => {});
    throw new UserError(`${file} is ${inTheWay}: the run log is written only to a regular file; remove it`);
  }
  await dropTornLine(handle).catch((error: unknown) => Promise.reject(writeFault(error, file)));
  const start = await handle.stat().then(
    (stats) => stats.size,
    () => 0,
  );
  let failure: LocalFault | null = null;
  // One write at a time, in order: with O_APPEND each write lands whole at the end. Lines
  // appended while a write runs go together in the next one: a write per line cost a
  // thread-pool round trip per image.
  let waiting: string[] = [];
  let queue = Promise.resolve();
  const writeWaiting = async (): Promise<void> => {
    const text = waiting.join('');
    waiting = [];
    if (failure) return;
    try {
      const { bytesWritten } = await handle.write(text);
      if (bytesWritten < Buffer.byteLength(text)) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
    } catch (error) {
      failure = writeFault(error, file);
    }
  };
  return {
    append(record) {
      waiting.push(redactor.redact(`${JSON.stringify(record)}\n`));
      if (waiting.length === 1) queue = queue.then(writeWaiting);
      // As a stream's write() does: the caller waits only once many lines are waiting, so a
      // long run of skipped inputs is logged in few writes, and memory stays bounded.
      return waiting.length < HIGH_WATER_LINES ? Promise.resolve() : queue;
    },
    get failure() {
      return failure;
    },
    start,
    async close() {
      await queue;
      await handle.close().catch(() => {});
    },
  };
}
