/**
 * Resume: an input whose output and sidecar exist, whose sidecar records the same request
 * signature and the same input, is done. The cheap check (size and mtime from the sidecar)
 * comes first; the content hash only when those differ (a touched but unchanged file).
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { hashFile } from '../store/hash.js';
import { readSidecar, sidecarPath, type RequestSignature, type SidecarInput } from '../store/sidecar.js';

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

/**
 * Decides resume for a whole batch. Each output folder is listed once, so an input with no
 * sidecar (every input of a first run) costs no system call, and no promise either: the
 * answer is a plain `false` then, which keeps planning 20,000 inputs light.
 */
export function createResumeCheck(): (
  outputPath: string,
  input: CurrentInput,
  signature: () => RequestSignature,
) => false | Promise<boolean> {
  const listed = new Map<string, ReadonlySet<string>>();
  const listing = async (folder: string) => {
    const names = await readdir(folder).then((entries) => new Set(entries), () => new Set<string>());
    listed.set(folder, names);
    return names;
  };
  const verify = async (outputPath: string, input: CurrentInput, signature: RequestSignature) => {
    const [sidecar, output] = await Promise.all([readSidecar(outputPath), stat(outputPath).catch(() => null)]);
    if (!sidecar || !output?.isFile() || output.size !== sidecar.output.size) return false;
    return sameSignature(sidecar.request, signature) && (await sameInput(sidecar.input, input));
  };
  const decide = (names: ReadonlySet<string>, outputPath: string, input: CurrentInput, signature: () => RequestSignature) =>
    names.has(path.basename(sidecarPath(outputPath))) && names.has(path.basename(outputPath))
      ? verify(outputPath, input, signature())
      : false;
  return (outputPath, input, signature) => {
    const folder = path.dirname(outputPath);
    const names = listed.get(folder);
    if (names) return decide(names, outputPath, input, signature);
    return listing(folder).then((loaded) => decide(loaded, outputPath, input, signature));
  };
}
