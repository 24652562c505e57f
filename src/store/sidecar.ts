/**
 * The sidecar JSON written next to every output (`<output>.json`): what was sent, what came
 * back, and enough about the input to know on a rerun whether the work is already done.
 * It never holds the API key.
 */
import { readFile } from 'node:fs/promises';
import type { EndpointPath } from '../params/endpoints.js';
import { writeAtomically } from './outputs.js';

export const SIDECAR_VERSION = 1;

/** What identifies a request: the same signature on the same input means the same result. */
export interface RequestSignature {
  endpoint: EndpointPath;
  method: 'GET' | 'POST';
  /** Fields as sent; local files as `{ file, sha256 }`. */
  fields: [string, string | { file: string; sha256: string }][];
}

export type SidecarInput =
  | { path: string; size: number; mtimeMs: number; sha256: string }
  | { url: string };

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
}

export function sidecarPath(outputPath: string): string {
  return `${outputPath}.json`;
}

export async function writeSidecar(outputPath: string, sidecar: Sidecar): Promise<void> {
  await writeAtomically(sidecarPath(outputPath), `${JSON.stringify(sidecar, null, 2)}\n`);
}

/** The sidecar of an output, or null when there is none or it is not ours. */
export async function readSidecar(outputPath: string): Promise<Sidecar | null> {
  try {
    const sidecar = JSON.parse(await readFile(sidecarPath(outputPath), 'utf8')) as Sidecar;
    return sidecar.version === SIDECAR_VERSION ? sidecar : null;
  } catch {
    return null;
  }
}

/** The response headers worth keeping with an output. */
export function keptHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith('pr-') || name === 'x-uncertainty-score'));
}
