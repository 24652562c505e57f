/**
 * An input made ready to send: a file is checked (bad files are reported with their own
 * reason and never uploaded), converted or fitted when the endpoint would refuse it and the
 * user allows it, and a small one's bytes kept, so that it is read once for the upload and
 * the hash.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { convertForUpload, type ConvertedInput } from '../inputs/convert.js';
import type { UpscaleRequest } from '../inputs/formats.js';
import { downloadObject, objectChunks } from '../inputs/object-bytes.js';
import { checkInputFile, checkInputObject, type InputFix } from '../inputs/sniff.js';
import { bytesProblem } from '../inputs/wholeness.js';
import { StorageFailure, type ObjectStorage } from '../storage/storage.js';
import type { Endpoint } from '../params/types.js';
import { hashFile } from '../store/hash.js';
import type { Sendable } from './attempt.js';
import type { NoteEvent } from './events.js';
import { isUrlJob, type Job, type ListedVersion } from './jobs.js';

/** An input up to this size is read once into memory (upload and hash); larger ones stream. */
const KEEP_IN_MEMORY_BYTES = 1024 * 1024;

type Upload = Extract<Sendable, { kind: 'file' }> & {
  /** The input as it is stored, when what is uploaded is a converted copy. */
  original?: { size: number; sha256: string };
  /** Removes the converted copy; called once the input is settled. */
  release?: () => Promise<void>;
};

export type Prepared =
  | Extract<Sendable, { kind: 'url' }>
  | (Upload & { mtimeMs: number })
  /** An object input, streamed from storage (`upload.open`) as the version listed. */
  | (Upload & { object: ListedVersion });

export interface PrepareOptions {
  endpoint: Endpoint;
  /** The upscale the parameters ask for, whose pixel limit inputs are held to. */
  upscale?: UpscaleRequest;
  /** Convert formats the endpoint does not take (default on; off with --no-convert). */
  convert: boolean;
  /** Scale down images over the endpoint's limits (--fit-inputs). */
  fitInputs: boolean;
  /** Told what was done to an input to make it acceptable (`TIFF converted to PNG`). */
  onFixed?: (fix: InputFix) => void;
  /** Check only: nothing is converted (a dry run). */
  checkOnly?: boolean;
  /** Where converted copies are made (Host.tmpdir). */
  tmpdir: string;
  /** The run's object storage, for object inputs. */
  storage: () => Promise<ObjectStorage>;
}

export async function prepareInput(job: Job, options: PrepareOptions): Promise<Prepared | { reason: string }> {
  if (isUrlJob(job)) return { kind: 'url', url: job.source };
  if (job.object) return prepareObject(job, job.object, options);
  const check = await checkInputFile(job.source, {
    endpoint: options.endpoint,
    upscale: options.upscale,
    keepUpTo: KEEP_IN_MEMORY_BYTES,
  });
  if (check.ok)
    return (
      (await cutShort(check.content)) ?? {
        kind: 'file',
        upload: { path: job.source, size: check.bytes, content: check.content },
        mtimeMs: check.mtimeMs,
      }
    );
  const { fix } = check;
  if (!fix) return { reason: check.reason };
  const refused = fixRefused(check.reason, fix, options);
  if (refused) return refused;
  if (options.checkOnly) return { kind: 'file', upload: { path: job.source, size: 0 }, mtimeMs: 0 };
  const converted = await fixedCopy(job.source, check.reason, fix, options);
  if ('reason' in converted) return converted;
  const [info, sha256] = await Promise.all([stat(job.source), hashFile(job.source)]);
  return {
    kind: 'file',
    upload: { path: converted.path, filename: converted.filename, size: converted.size },
    mtimeMs: info.mtimeMs,
    original: { size: info.size, sha256 },
    release: converted.remove,
  };
}

/**
 * Why an input read whole into memory (up to KEEP_IN_MEMORY_BYTES) is not a whole image, if
 * it is cut short: refused before anything is sent. A larger one is judged as it streams
 * (attempt.ts), and its request abandoned before its end.
 */
async function cutShort(content: Buffer | undefined): Promise<{ reason: string } | null> {
  const problem = content && (await bytesProblem(content));
  return problem ? { reason: `not a whole image: ${problem}; nothing was sent` } : null;
}

/** Why a refused input is left as it is (its fix is turned off), or null when it is fixed. */
function fixRefused(reason: string, fix: InputFix, options: PrepareOptions): { reason: string } | null {
  const allowed = fix.kind === 'convert' ? options.convert : options.fitInputs;
  if (allowed) return null;
  return {
    reason: `${reason} (${fix.kind === 'convert' ? 'not converted: --no-convert' : '--fit-inputs would scale it down to fit'})`,
  };
}

/** `file` converted or fitted in the temporary folder (told once through onFixed), or why it could not be. */
async function fixedCopy(
  file: string,
  reason: string,
  fix: InputFix,
  options: PrepareOptions,
): Promise<ConvertedInput | { reason: string }> {
  try {
    const converted = await convertForUpload(file, fix, options.tmpdir);
    options.onFixed?.(fix);
    return converted;
  } catch (error) {
    return {
      reason: `${reason}, and it could not be ${fix.kind === 'convert' ? 'converted' : 'scaled down'}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/**
 * An object input: checked from a ranged read of its head, then streamed from storage into
 * the request (a small one's bytes kept from the check). One the endpoint would refuse is
 * downloaded to the temporary folder and converted or fitted there, as a file is.
 */
async function prepareObject(
  job: Job,
  object: ListedVersion,
  options: PrepareOptions,
): Promise<Prepared | { reason: string }> {
  if (object.missing) return { reason: 'no such object: the list names it, the bucket holds none by that key' };
  const storage = await options.storage();
  const filename = path.posix.basename(object.key);
  let check;
  try {
    check = await checkInputObject(storage, object, {
      endpoint: options.endpoint,
      upscale: options.upscale,
      keepUpTo: KEEP_IN_MEMORY_BYTES,
    });
  } catch (error) {
    if (error instanceof StorageFailure) return { reason: error.problem.text };
    throw error;
  }
  const upload = { path: job.source, filename, size: object.size };
  if (check.ok)
    return (
      (await cutShort(check.content)) ?? {
        kind: 'file',
        upload: { ...upload, content: check.content, open: () => objectChunks(storage, object) },
        object,
      }
    );
  const { fix } = check;
  if (!fix) return { reason: check.reason };
  const refused = fixRefused(check.reason, fix, options);
  if (refused) return refused;
  if (options.checkOnly) return { kind: 'file', upload, object };
  let downloaded;
  try {
    downloaded = await downloadObject(storage, object, options.tmpdir);
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
  const converted = await fixedCopy(downloaded.path, check.reason, fix, options);
  await downloaded.remove();
  if ('reason' in converted) return converted;
  return {
    kind: 'file',
    upload: { path: converted.path, filename: converted.filename, size: converted.size },
    object,
    original: { size: object.size, sha256: downloaded.sha256 },
    release: converted.remove,
  };
}

/**
 * An `onFixed` that says once per kind what is done to inputs the endpoint would refuse: a
 * note, not a warning, as converting or fitting is what the run was asked to do.
 */
export function announceFixesOnce(tell: (event: NoteEvent) => void): (fix: InputFix) => void {
  const announced = new Set<string>();
  return (fix) => {
    const kind = fix.kind === 'convert' ? fix.from : 'fit';
    if (announced.has(kind)) return;
    announced.add(kind);
    tell({
      type: 'note',
      message:
        fix.kind === 'convert'
          ? `${fix.from} images are converted to PNG before they are sent (the endpoint does not take them; --no-convert refuses them instead)`
          : "images over the endpoint's limits are scaled down to fit before they are sent (--fit-inputs)",
    });
  };
}
