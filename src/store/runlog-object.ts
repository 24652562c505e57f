/**
 * A bucket output's run log: objects take no appends, so the log is kept on this machine
 * (runlog.ts, in the state folder) and, once the run ends, this run's lines are uploaded as
 * one object under the prefix: `photoroom-runs/<started>-<shard>-<host>-<pid>.jsonl`.
 * Shards and reruns never overwrite each other's: the start time sorts a listing by run,
 * the shard says whose share it was, and the host tag and pid tell apart two runs started
 * in the same millisecond (two pods of one Indexed Job, a rerun after a reschedule).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { TemporaryWriter } from '../host.js';
import { objectUri, parseObjectUri } from '../storage/location.js';
import type { ObjectStorage } from '../storage/storage.js';
import { hostTag } from './outputs.js';

/** The folder below the output prefix that holds the runs' logs. */
export const RUN_LOGS_FOLDER = 'photoroom-runs';

export interface RunLogObject {
  /** `s3://bucket/prefix`, the output prefix. */
  outDir: string;
  /** When the run started, as on every line of its own (`run`). */
  startedAt: string;
  /** The run's shard (1-based index), if it is one. */
  shard?: { index: number; count: number };
  writer: TemporaryWriter;
}

/** Where a run's log goes in the bucket (see the module's comment for why it is named so). */
export function runLogObjectUri(run: RunLogObject): string {
  const { bucket, key } = parseObjectUri(run.outDir);
  const started = run.startedAt.replace(/:/g, '');
  const shard = run.shard ? `shard-${run.shard.index}-of-${run.shard.count}` : 'all';
  const name = `${started}-${shard}-${hostTag(run.writer.hostname)}-${run.writer.pid}.jsonl`;
  return objectUri({ bucket, key: `${key === '' ? '' : `${key}/`}${RUN_LOGS_FOLDER}/${name}` });
}

/**
 * Uploads this run's lines of the local log at `file` (those after `start` that carry its
 * `run`: another run may share the folder) as one object. Returns its URI, or null when the
 * run logged nothing. Throws a StorageFailure.
 */
export async function uploadRunLog(
  storage: ObjectStorage,
  file: string,
  start: number,
  run: RunLogObject,
): Promise<string | null> {
  const mark = `"run":${JSON.stringify(run.startedAt)}`;
  const lines: string[] = [];
  for await (const line of createInterface({ input: createReadStream(file, { start }), crlfDelay: Infinity }))
    if (line.includes(mark)) lines.push(`${line}\n`);
  if (lines.length === 0) return null;
  const uri = runLogObjectUri(run);
  const { bucket, key } = parseObjectUri(uri);
  await storage.put(bucket, key, lines.join(''), 'application/x-ndjson');
  return uri;
}
