/**
 * Temporary files left by a run that was killed: a temporary file whose writer process is
 * gone is removed before a new run starts; one whose writer still runs (another photoroom
 * on the same folder) is left alone.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { TEMP_PREFIX } from './outputs.js';

/** The writer's pid, from `<prefix><name>.<pid>-<n>` (see temporaryPathFor). */
function writerOf(fileName: string): number | null {
  const match = /\.(\d+)-[0-9a-f]+$/.exec(fileName);
  return match ? Number(match[1]) : null;
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/** Removes stale temporary files under `folder` (recursively); returns how many. */
export async function removeStaleTemporaryFiles(folder: string): Promise<number> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  let removed = 0;
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      removed += await removeStaleTemporaryFiles(full);
    } else if (entry.isFile() && entry.name.startsWith(TEMP_PREFIX)) {
      const pid = writerOf(entry.name);
      if (pid !== null && isRunning(pid)) continue;
      await rm(full, { force: true });
      removed += 1;
    }
  }
  return removed;
}
