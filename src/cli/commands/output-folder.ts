/**
 * The output folder, made and written to before anything is sent: a folder that cannot take
 * results (a read-only disk, no permission, a file in its way, /proc) would otherwise be
 * found out only when the first paid result comes back.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorCode, faultReason, StartUpError } from '../../errors.js';
import { temporaryPathFor } from '../../store/outputs.js';

/**
 * `mkdir -p`, one level at a time: Node's recursive mkdir never returns where a folder
 * refuses new entries with ENOENT (`/proc`).
 */
async function makeFolder(folder: string): Promise<void> {
  try {
    await mkdir(folder);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return;
    const parent = path.dirname(folder);
    if (code !== 'ENOENT' || parent === folder) throw error;
    await makeFolder(parent);
    await mkdir(folder);
  }
}

/** `named` is how the user named it, for the message: `-o out`, `--state-dir state`. */
export async function checkOutputFolder(folder: string, named: string, kind: 'output folder' | 'state folder'): Promise<void> {
  // A temporary name: a run killed between the write and the removal leaves a file the next run removes.
  const probe = temporaryPathFor(path.join(folder, 'write-check'));
  try {
    await makeFolder(folder);
    await writeFile(probe, '');
    await rm(probe);
  } catch (error) {
    throw new StartUpError(`${named}: results cannot be written there: ${faultReason(error)}; choose another ${kind}`);
  }
}
