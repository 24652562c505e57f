/**
 * Where a one-file run (`photoroom edit mug.jpg -o mug-white.png`) keeps its sidecar and run
 * log when `--state-dir` does not say: a folder of the user's cache, one per output file,
 * named by the file's real path. The user named one file and finds one file beside the
 * input; a rerun finds the record under the same real path and skips the file, as a folder
 * run does. The cache rather than a `.photoroom/` folder beside the file: a hidden folder is
 * still a second thing in the user's folder (in `ls -a`, `git status`, an upload or a zip of
 * it), and losing the record costs at most one image sent again.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { realFolderPath } from '../store/outputs.js';

/** Keeps a folder name short and plain whatever the file is called. */
const NAME_SHOWN = 40;

/**
 * The state folder of `outputFile` under `cacheFolder`: its name, made plain, for a person
 * looking, and a hash of its real path (a link to the same folder is the same file).
 */
export async function outputFileStateFolder(outputFile: string, cacheFolder: string): Promise<string> {
  const real = path.join(await realFolderPath(path.dirname(outputFile)), path.basename(outputFile));
  const hash = createHash('sha256').update(real).digest('hex').slice(0, 16);
  const shown = path
    .basename(real)
    .replace(/[^\w.-]/g, '_')
    .slice(0, NAME_SHOWN);
  return path.join(cacheFolder, 'photoroom', 'outputs', `${shown}-${hash}`);
}

/**
 * The state folder of a bucket output (`s3://bucket/prefix`) under `cacheFolder`: its run log
 * (objects take no appends) is kept there, one folder per bucket and prefix, so that a rerun
 * appends to the same log. Sidecars stay in the bucket, beside the outputs.
 */
export function bucketStateFolder(uri: string, cacheFolder: string): string {
  const hash = createHash('sha256').update(uri).digest('hex').slice(0, 16);
  const shown = uri
    .slice('s3://'.length)
    .replace(/[^\w.-]/g, '_')
    .slice(0, NAME_SHOWN);
  return path.join(cacheFolder, 'photoroom', 'buckets', `${shown}-${hash}`);
}
