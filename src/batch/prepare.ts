/**
 * An input made ready to send: a file is checked (bad files are reported with their own
 * reason and never uploaded), converted or fitted when the endpoint would refuse it and the
 * user allows it, and a small one's bytes kept, so that it is read once for the upload and
 * the hash.
 */
import { stat } from 'node:fs/promises';
import { convertForUpload } from '../inputs/convert.js';
import type { UpscaleMode } from '../inputs/formats.js';
import { checkInputFile, type InputFix } from '../inputs/sniff.js';
import type { Endpoint } from '../params/types.js';
import { hashFile } from '../store/hash.js';
import type { Sendable } from './attempt.js';
import type { NoteEvent } from './events.js';
import { isUrlJob, type Job } from './jobs.js';

/** An input up to this size is read once into memory (upload and hash); larger ones stream. */
const KEEP_IN_MEMORY_BYTES = 1024 * 1024;

export type Prepared =
  | Extract<Sendable, { kind: 'url' }>
  | (Extract<Sendable, { kind: 'file' }> & {
      mtimeMs: number;
      /** The input as it is on disk, when what is uploaded is a converted copy. */
      original?: { size: number; sha256: string };
      /** Removes the converted copy; called once the input is settled. */
      release?: () => Promise<void>;
    });

export interface PrepareOptions {
  endpoint: Endpoint;
  upscaleMode?: UpscaleMode;
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
}

export async function prepareInput(job: Job, options: PrepareOptions): Promise<Prepared | { reason: string }> {
  if (isUrlJob(job)) return { kind: 'url', url: job.source };
  const check = await checkInputFile(job.source, {
    endpoint: options.endpoint,
    upscaleMode: options.upscaleMode,
    keepUpTo: KEEP_IN_MEMORY_BYTES,
  });
  if (check.ok)
    return {
      kind: 'file',
      upload: { path: job.source, size: check.bytes, content: check.content },
      mtimeMs: check.mtimeMs,
    };
  const { fix } = check;
  if (!fix) return { reason: check.reason };
  const allowed = fix.kind === 'convert' ? options.convert : options.fitInputs;
  if (!allowed)
    return {
      reason: `${check.reason} (${fix.kind === 'convert' ? 'not converted: --no-convert' : '--fit-inputs would scale it down to fit'})`,
    };
  if (options.checkOnly) return { kind: 'file', upload: { path: job.source, size: 0 }, mtimeMs: 0 };
  let converted;
  try {
    converted = await convertForUpload(job.source, fix, options.tmpdir);
  } catch (error) {
    return {
      reason: `${check.reason}, and it could not be ${fix.kind === 'convert' ? 'converted' : 'scaled down'}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  options.onFixed?.(fix);
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
