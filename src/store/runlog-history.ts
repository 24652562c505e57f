/**
 * Reading the run log back (`photoroom-run.jsonl`, see runlog.ts): the last line of every
 * input, which says how it last went, and the lines of the latest run. Read as a stream,
 * so that a long history costs one entry per input, not one per line.
 */
import path from 'node:path';
import { createInterface } from 'node:readline';
import { errorCode, LocalFault } from '../errors.js';
import { NotARegularFile, openRegularFile } from '../regular-file.js';
import { RUN_LOG_NAME, type RunLogLine } from './runlog.js';

export type { RunLogLine } from './runlog.js';

export interface RunLogHistory {
  /** Each input's last line, in the order the inputs first appear. */
  lastByInput: Map<string, RunLogLine>;
  /** The lines of the latest run, in order; lines without a run mark count as one run. */
  latestRun: RunLogLine[];
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function isRunLogLine(value: unknown): value is RunLogLine {
  if (typeof value !== 'object' || value === null) return false;
  const line = value as Record<string, unknown>;
  return (
    typeof line.input === 'string' &&
    typeof line.output === 'string' &&
    typeof line.time === 'string' &&
    (line.status === 'ok' ||
      line.status === 'skipped' ||
      line.status === 'failed' ||
      line.status === 'not-processed') &&
    isNumber(line.attempts) &&
    isNumber(line.ms)
  );
}

function parseLine(text: string): RunLogLine | null {
  try {
    const value: unknown = JSON.parse(text);
    return isRunLogLine(value) ? value : null;
  } catch {
    return null;
  }
}

/** The history in `folder`'s run log; empty when there is none. Lines that do not parse are passed over. */
export async function readRunLogHistory(folder: string): Promise<RunLogHistory> {
  const history: RunLogHistory = { lastByInput: new Map(), latestRun: [] };
  const file = path.join(folder, RUN_LOG_NAME);
  const refusal = (error: unknown) =>
    new LocalFault(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  // Opened without blocking and checked on the descriptor: a FIFO in its place would hold a thread for good.
  const opened = await openRegularFile(file).catch((error: unknown) => {
    if (errorCode(error) === 'ENOENT') return null;
    throw refusal(error instanceof NotARegularFile ? `it is ${error.kind}, not a file` : error);
  });
  if (!opened) return history;
  const { handle } = opened;
  const stream = handle.createReadStream({ encoding: 'utf8' });
  try {
    for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
      const line = parseLine(text);
      if (!line) continue;
      history.lastByInput.set(line.input, line);
      if (history.latestRun[0]?.run !== line.run) history.latestRun = [];
      history.latestRun.push(line);
    }
  } catch (error) {
    throw refusal(error);
  }
  return history;
}
