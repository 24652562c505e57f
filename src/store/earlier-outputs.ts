/**
 * Telling the results of earlier runs from inputs, so that a folder edited in place
 * (`photoroom edit . -o .`) behaves the same on every run: a file with a sidecar of ours
 * (read and checked: `photo.jpg.json` files of other tools do not count), a sidecar, and
 * the run log are never taken as inputs.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { relativeInside } from '../paths.js';
import type { StateLayout } from './layout.js';
import type { ResultReader } from './results.js';
import { RUN_LOG_NAME } from './runlog.js';
import { RUN_LOGS_FOLDER } from './runlog-object.js';
import { parseSidecar, readSidecar, SIDECAR_SUFFIX } from './sidecar.js';

export type EarlierOutputCheck = (file: string, siblings: ReadonlySet<string>) => boolean | Promise<boolean>;

export function earlierOutputCheck(layout: StateLayout): EarlierOutputCheck {
  /** Verdicts on files that have a sidecar-like name beside them: discovery walks twice. */
  const verdicts = new Map<string, Promise<boolean>>();
  const isOurSidecar = (sidecar: string) => {
    let verdict = verdicts.get(sidecar);
    if (!verdict) verdicts.set(sidecar, (verdict = readSidecar(sidecar).then((read) => read !== null)));
    return verdict;
  };
  const stateListings = new Map<string, Promise<ReadonlySet<string>>>();
  const inStateFolder = async (sidecar: string) => {
    const folder = path.dirname(sidecar);
    let names = stateListings.get(folder);
    if (!names)
      stateListings.set(
        folder,
        (names = readdir(folder).then(
          (entries) => new Set(entries),
          () => new Set<string>(),
        )),
      );
    return (await names).has(path.basename(sidecar)) && isOurSidecar(sidecar);
  };
  const separateState = layout.stateDir !== layout.outDir;

  return (file, siblings) => {
    const name = path.basename(file);
    if (name === RUN_LOG_NAME) return true;
    if (name.endsWith(SIDECAR_SUFFIX) && siblings.has(name.slice(0, -SIDECAR_SUFFIX.length))) return isOurSidecar(file);
    if (siblings.has(`${name}${SIDECAR_SUFFIX}`)) return isOurSidecar(`${file}${SIDECAR_SUFFIX}`);
    if (separateState && relativeInside(file, layout.outDir) !== null) return inStateFolder(layout.sidecarOf(file));
    return false;
  };
}

/**
 * The same for objects under a bucket output prefix, which an input prefix can hold or be
 * (`edit s3://b/p/ -o s3://b/p/`): an object with a sidecar of ours beside it, a sidecar,
 * and the run logs under photoroom-runs/. One listing per "folder" (the ones resume lists),
 * and a sidecar read only where its name is found; objects elsewhere cost nothing.
 */
export function earlierObjectCheck(
  layout: StateLayout,
  results: ResultReader,
): (uri: string) => boolean | Promise<boolean> {
  const prefix = `${layout.outDir}/`;
  const listings = new Map<string, Promise<ReadonlyMap<string, unknown>>>();
  const verdicts = new Map<string, Promise<boolean>>();
  const namesIn = (folder: string) => {
    let names = listings.get(folder);
    if (!names) listings.set(folder, (names = results.list(folder)));
    return names;
  };
  const isOurSidecar = (sidecar: string) => {
    let verdict = verdicts.get(sidecar);
    if (!verdict)
      verdicts.set(
        sidecar,
        (verdict = results
          .read(sidecar)
          .then((bytes) => bytes !== null && parseSidecar(bytes.toString('utf8')) !== null)),
      );
    return verdict;
  };
  return (uri) => {
    if (!uri.startsWith(prefix)) return false;
    if (uri.startsWith(`${prefix}${RUN_LOGS_FOLDER}/`)) return true;
    // Keys are not paths: posix dirname and basename split them at their last '/', never collapsing '//'.
    const folder = path.posix.dirname(uri);
    const name = path.posix.basename(uri);
    return namesIn(folder).then((names) => {
      if (name.endsWith(SIDECAR_SUFFIX) && names.has(name.slice(0, -SIDECAR_SUFFIX.length))) return isOurSidecar(uri);
      return names.has(`${name}${SIDECAR_SUFFIX}`) && isOurSidecar(`${uri}${SIDECAR_SUFFIX}`);
    });
  };
}
