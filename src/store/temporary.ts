/**
 * Temporary file names: each records its writer (machine and process), so that a later run
 * can tell a file whose writer is gone (stale: cleanup.ts removes it) from one being written.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { TemporaryWriter } from '../host.js';
import { shortenName } from '../paths.js';

/** Temporary files start with this, so stale ones from a crash can be recognised. */
export const TEMP_PREFIX = '.photoroom-tmp-';

/** Room left in a temporary name for the final name it stands for. */
const TEMP_NAME_BYTES = 200;

let temporaryCount = 0;

/**
 * A machine, in temporary names: a pid means something only on the machine that wrote it
 * (shards on Kubernetes share one output folder from pods that each have their own pids).
 */
export function hostTag(hostname: string): string {
  return createHash('sha256').update(hostname).digest('hex').slice(0, 8);
}

/** `<prefix><name>.<host>.<pid>-<n>`: the host and pid tell a later run whether the writer is still alive. */
export function temporaryPathFor(finalPath: string, writer: TemporaryWriter): string {
  temporaryCount += 1;
  const name = shortenName(path.basename(finalPath), TEMP_NAME_BYTES);
  return path.join(
    path.dirname(finalPath),
    `${TEMP_PREFIX}${name}.${hostTag(writer.hostname)}.${writer.pid}-${temporaryCount.toString(16)}`,
  );
}
