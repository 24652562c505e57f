/**
 * The output folder, made and written to before anything is sent: a folder that cannot take
 * results (a read-only disk, no permission, a file in its way, /proc) would otherwise be
 * found out only when the first paid result comes back. What a run made and wrote nothing
 * into (a mistyped input, a failed credits check) it removes again.
 */
import { lstat, mkdir, readlink, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorCode, faultReason, StartUpError } from '../../errors.js';
import { specialKind } from '../../regular-file.js';
import type { TemporaryWriter } from '../../host.js';
import { realFolderPath, temporaryPathFor } from '../../store/outputs.js';

export type OutputKind = 'output folder' | 'state folder';

/** The flag that chooses each: what a refusal tells the user to change. */
const FLAG_OF: Readonly<Record<OutputKind, string>> = { 'output folder': '-o', 'state folder': '--state-dir' };

/** What `-o` or `--state-dir` names: one output file, or a folder. */
export type OutputPlace = OutputKind | 'output file';

/** A process's (or thread's) descriptors in /proc, as /dev/fd, /dev/stdout and /proc/self/fd lead to them. */
const DESCRIPTOR_FOLDER = /^\/proc\/[^/]+(\/task\/[^/]+)?\/fd$/;

/** Links followed before giving up, as the kernel does (ELOOP). */
const MAX_LINKS = 40;

/**
 * `mkdir -p`, one level at a time: Node's recursive mkdir never returns where a folder
 * refuses new entries with ENOENT (`/proc`). Records each folder it made in `made`, outermost first.
 */
async function makeFolder(folder: string, made: string[]): Promise<void> {
  try {
    await mkdir(folder);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return;
    const parent = path.dirname(folder);
    if (code !== 'ENOENT' || parent === folder) throw error;
    await makeFolder(parent, made);
    await mkdir(folder);
  }
  made.push(folder);
}

/**
 * `named` is how the user named it, for the message: `-o out`, `--state-dir state`. Returns
 * the folders it made, outermost first, for removeIfEmpty once the run is over.
 */
export async function checkOutputFolder(
  folder: string,
  named: string,
  kind: OutputKind,
  writer: TemporaryWriter,
): Promise<string[]> {
  // A temporary name: a run killed between the write and the removal leaves a file the next run removes.
  const probe = temporaryPathFor(path.join(folder, 'write-check'), writer);
  const made: string[] = [];
  try {
    await makeFolder(folder, made);
    await writeFile(probe, '');
    await rm(probe);
    return made;
  } catch (error) {
    await removeIfEmpty(made);
    throw new StartUpError(
      `${named}: results cannot be written there: ${faultReason(error)}; choose another ${kind} with ${FLAG_OF[kind]}`,
    );
  }
}

/**
 * Removes the folders a run made (outermost first, as checkOutputFolder returns them) that
 * are still empty, innermost first: a run that wrote nothing leaves nothing behind. rmdir
 * removes only an empty folder, so whatever was written there since is kept, with its folder.
 */
export async function removeIfEmpty(made: readonly string[]): Promise<void> {
  for (const folder of [...made].reverse()) {
    const removed = await rmdir(folder).then(
      () => true,
      () => false,
    );
    if (!removed) return;
  }
}

/**
 * Refuses an output that is neither a file nor a folder: a device, a FIFO, a socket, or a
 * descriptor link (`/dev/stdout` leads to /proc/self/fd/1, whatever fd 1 is). A result would be
 * renamed over it, replacing the device's name with a file; for the same reason an output
 * file that is a link is refused. `target` is the output file or folder; each link on the
 * way is followed by hand, since /proc's descriptor links do not resolve to a path when they
 * stand for a pipe.
 */
export async function checkOutputKind(target: string, named: string, place: OutputPlace): Promise<void> {
  const refuse = (what: string) =>
    new StartUpError(
      `${named} ${what}, not a file or a folder: results are written only to files and folders${place === 'state folder' ? '; name a folder with --state-dir' : '; for standard output use -o -'}`,
    );
  let hop = target;
  for (let links = 0; links < MAX_LINKS; links++) {
    if (DESCRIPTOR_FOLDER.test(await realFolderPath(path.dirname(hop)))) {
      throw refuse(hop === target ? 'is a file descriptor' : `leads to ${hop}, a file descriptor`);
    }
    const stats = await lstat(hop).catch(() => null);
    if (!stats?.isSymbolicLink()) break;
    const next = await readlink(hop).catch(() => null);
    if (next === null) break;
    hop = path.resolve(path.dirname(hop), next);
  }
  const stats = await stat(target).catch(() => null);
  const special = stats && specialKind(stats);
  if (special) throw refuse(`is ${special}`);
  // A result is renamed over its file: over a link, that would replace the link, not what it leads to.
  if (place === 'output file' && hop !== target) {
    throw new StartUpError(
      `${named} is a symbolic link: a result replaces only a regular file; give -o the file it leads to, or another`,
    );
  }
}
