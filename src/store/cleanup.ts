/**
 * Temporary files left by a run that was killed: a temporary file whose writer process is
 * gone is removed before a new run starts; one whose writer still runs (another photoroom
 * on the same folder) is left alone. A writer on another machine (a shard in another pod
 * writing to a shared volume) cannot be asked: its file is removed only once nothing has
 * been written to it for longer than any request may last.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Host } from '../host.js';
import { hostTag, TEMP_PREFIX } from './temporary.js';

/** Longer than the longest --timeout (an hour): a live writer writes its answer's chunks as they come. */
export const FOREIGN_TEMPORARY_MAX_AGE_MS = 2 * 60 * 60 * 1000;

/** The writer of `<prefix><name>[.<host>].<pid>-<n>` (see temporaryPathFor); no host: this machine (older runs). */
function writerOf(fileName: string, thisHost: string): { host: string; pid: number } | null {
  const match = /(?:\.([0-9a-f]{8}))?\.(\d+)-[0-9a-f]+$/.exec(fileName);
  return match ? { host: match[1] ?? thisHost, pid: Number(match[2]) } : null;
}

/** What tells a temporary file's writer alive or gone: this process and this machine's processes. */
export type Liveness = Pick<Host, 'hostname' | 'pid' | 'isRunning'>;

async function isStale(
  file: string,
  writer: { host: string; pid: number },
  host: Liveness,
  now: number,
): Promise<boolean> {
  if (writer.host === hostTag(host.hostname)) return writer.pid !== host.pid && !host.isRunning(writer.pid);
  const info = await stat(file).catch(() => null);
  return info !== null && now - info.mtimeMs > FOREIGN_TEMPORARY_MAX_AGE_MS;
}

/** Removes stale temporary files under `folder` (recursively); returns how many. */
export async function removeStaleTemporaryFiles(folder: string, host: Liveness, now = Date.now()): Promise<number> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  let removed = 0;
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      removed += await removeStaleTemporaryFiles(full, host, now);
    } else if (entry.isFile() && entry.name.startsWith(TEMP_PREFIX)) {
      const writer = writerOf(entry.name, hostTag(host.hostname));
      if (writer === null || !(await isStale(full, writer, host, now))) continue;
      await rm(full, { force: true });
      removed += 1;
    }
  }
  return removed;
}
