/**
 * Resume: an input whose output and sidecar exist, whose sidecar records the same request
 * signature and the same input, is done. The cheap check (size and mtime from the sidecar)
 * comes first; the content hash only when those differ (a touched but unchanged file).
 */
import { stat } from 'node:fs/promises';
import { hashFile } from '../store/hash.js';
import { readSidecar, type RequestSignature, type SidecarInput } from '../store/sidecar.js';

function sameSignature(a: RequestSignature, b: RequestSignature): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export type CurrentInput = { kind: 'file'; path: string } | { kind: 'url'; url: string };

async function sameInput(recorded: SidecarInput, current: CurrentInput): Promise<boolean> {
  if (current.kind === 'url') return 'url' in recorded && recorded.url === current.url;
  if (!('path' in recorded)) return false;
  const info = await stat(current.path).catch(() => null);
  if (!info) return false;
  if (info.size !== recorded.size) return false;
  if (info.mtimeMs === recorded.mtimeMs) return true;
  return (await hashFile(current.path)) === recorded.sha256;
}

export async function isAlreadyDone(outputPath: string, input: CurrentInput, signature: RequestSignature): Promise<boolean> {
  const [sidecar, output] = await Promise.all([readSidecar(outputPath), stat(outputPath).catch(() => null)]);
  if (!sidecar || !output?.isFile() || output.size !== sidecar.output.size) return false;
  return sameSignature(sidecar.request, signature) && (await sameInput(sidecar.input, input));
}
