/**
 * The sidecar JSON written next to every output (`<output>.json`): what was sent, what came
 * back, and enough about the input to know on a rerun whether the work is already done.
 * It never holds the API key: its text goes through `redact` like everything printed.
 */
import path from 'node:path';
import type { EndpointPath } from '../params/endpoints.js';
import type { Redactor } from '../secrets.js';
import { readRegularFile } from '../regular-file.js';
import type { Results, WrittenFile } from './results.js';

export const SIDECAR_VERSION = 1;

/** What identifies a request: the same signature on the same input means the same result. */
export interface RequestSignature {
  endpoint: EndpointPath;
  method: 'GET' | 'POST';
  /** Fields as sent; local files as `{ file, sha256 }`. */
  fields: [string, string | { file: string; sha256: string }][];
}

/**
 * A file by its path (shown as the user named it), size, mtime and content; a URL as it is;
 * an object by its URI and the size and ETag its listing gave (`sha256`: of the bytes as uploaded).
 */
export type SidecarInput =
  | { path: string; size: number; mtimeMs: number; sha256: string }
  | { url: string }
  | { object: string; size: number; etag: string; sha256: string };

export interface Sidecar {
  version: typeof SIDECAR_VERSION;
  input: SidecarInput;
  request: RequestSignature;
  response: {
    status: number;
    /** Every `pr-*` header and `x-uncertainty-score`, exactly as received. */
    headers: Record<string, string>;
    contentType: string;
  };
  attempts: number;
  durationsMs: { total: number; lastAttempt: number };
  output: { path: string; size: number; sha256: string };
  cli: { version: string };
  completedAt: string;
  /** `edit --preset`: the preset's verdict on the output, as check/compliance.ts records it. */
  compliance?: unknown;
}

/** A sidecar's name is its output's with this added (see layout.ts for where it goes). */
export const SIDECAR_SUFFIX = '.json';

/** What a successful attempt leaves to record. */
export interface SidecarFacts {
  input: SidecarInput;
  request: RequestSignature;
  status: number;
  /** All the answer's headers: the ones worth keeping are picked here. */
  headers: Record<string, string>;
  attempts: number;
  durationsMs: Sidecar['durationsMs'];
  output: WrittenFile;
  cliVersion: string;
  completedAt: Date;
  compliance?: unknown;
}

export function sidecarRecord(facts: SidecarFacts): Sidecar {
  return {
    version: SIDECAR_VERSION,
    input: facts.input,
    request: facts.request,
    response: {
      status: facts.status,
      headers: keptHeaders(facts.headers),
      contentType: facts.headers['content-type'] ?? '',
    },
    attempts: facts.attempts,
    durationsMs: facts.durationsMs,
    output: { path: path.basename(facts.output.path), size: facts.output.bytes, sha256: facts.output.sha256 },
    cli: { version: facts.cliVersion },
    completedAt: facts.completedAt.toISOString(),
    ...(facts.compliance !== undefined && { compliance: facts.compliance }),
  };
}

/** Writes `sidecar` at `file` (see StateLayout.sidecarOf) through the folder that holds it, the run's key masked. */
export async function writeSidecar(
  folder: Pick<Results, 'write'>,
  file: string,
  sidecar: Sidecar,
  redactor: Redactor,
): Promise<void> {
  await folder.write(file, redactor.redact(`${JSON.stringify(sidecar, null, 2)}\n`));
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** The parts a rerun relies on, with the types it relies on: anything else is a damaged sidecar. */
function isSidecar(value: unknown): value is Sidecar {
  if (!isRecord(value) || value.version !== SIDECAR_VERSION) return false;
  const { input, request, output } = value;
  const inputOk =
    isRecord(input) &&
    (typeof input.url === 'string' ||
      (typeof input.object === 'string' &&
        isNumber(input.size) &&
        typeof input.etag === 'string' &&
        typeof input.sha256 === 'string') ||
      (typeof input.path === 'string' &&
        isNumber(input.size) &&
        isNumber(input.mtimeMs) &&
        typeof input.sha256 === 'string'));
  return inputOk && isRecord(request) && Array.isArray(request.fields) && isRecord(output) && isNumber(output.size);
}

/** The sidecar at `file`, or null when there is none, it is not ours, or it is damaged (the input is redone). */
export async function readSidecar(file: string): Promise<Sidecar | null> {
  // Never blocks on a FIFO named like a sidecar: only a regular file is read.
  return parseSidecar(
    await readRegularFile(file).then(
      (bytes) => bytes.toString('utf8'),
      () => '',
    ),
  );
}

/** A sidecar's text read back, or null when it is not ours or damaged. */
export function parseSidecar(text: string): Sidecar | null {
  try {
    const sidecar: unknown = JSON.parse(text);
    return isSidecar(sidecar) ? sidecar : null;
  } catch {
    return null;
  }
}

/** The response headers worth keeping with an output. */
export function keptHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.startsWith('pr-') || name === 'x-uncertainty-score'),
  );
}

/**
 * Whether a header says something: the API is known to send `null` or nothing where it
 * has nothing to say (`pr-unsupported-attributes: null` is not a warning).
 */
export function isMeaningfulHeader(value: string | undefined): value is string {
  const text = value?.trim().toLowerCase() ?? '';
  return text !== '' && !['null', 'none', 'undefined', '[]', '{}'].includes(text);
}
