/**
 * Resume: an input whose output and sidecar exist, whose sidecar records the same request
 * signature and the same input, is done. The cheap check (size and mtime from the sidecar)
 * comes first; the content hash only when those differ (a touched but unchanged file).
 * A sidecar that records another input (another path, other content) says the output is
 * that input's: the planner then names this one elsewhere instead of writing over it.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { paramByName } from '../params/table.js';
import { valueMeaning } from '../params/values.js';
import { hashFile } from '../store/hash.js';
import type { StateLayout } from '../store/layout.js';
import { localFiles, type ResultReader } from '../store/results.js';
import { parseSidecar, type RequestSignature, type SidecarInput } from '../store/sidecar.js';

/**
 * The same request, whatever order its fields were built in (by hand, from a preset, from a
 * config file): the fields sorted by name, repeated names kept in their order, and each value
 * by what it means (a preset's FFFFFF and `--bg white` are one colour, 5% and 0.05 one padding).
 */
function sameSignature(a: RequestSignature, b: RequestSignature): boolean {
  const canonical = ({ fields, ...rest }: RequestSignature) =>
    JSON.stringify({
      ...rest,
      fields: [...fields]
        .map(([name, value]): [string, unknown] => [name, sameValue(name, value)])
        .sort(([one], [other]) => (one < other ? -1 : one > other ? 1 : 0)),
    });
  return canonical(a) === canonical(b);
}

/** A field's value by what it means (params/values.ts); a file part as it is. */
function sameValue(name: string, value: RequestSignature['fields'][number][1]): unknown {
  return typeof value === 'string' ? valueMeaning(paramByName(name)?.kind, value) : value;
}

export type CurrentInput =
  /** `display`: the path as sidecars record it (relative to the working folder when inside it). */
  | { kind: 'file'; path: string; display?: string }
  | { kind: 'url'; url: string }
  | { kind: 'object'; uri: string; size: number; etag: string };

/**
 * What a rerun finds at an input's output name: its result (`done`), nothing of use (`redo`:
 * no output, a damaged record, other parameters, an input that changed in place), or the
 * result of another input, named by its record (`{ owner }`).
 */
export type Verdict = 'done' | 'redo' | { owner: string };

/** The input a record or a current input names: its path as recorded, its URL or its URI. */
function identityOf(input: SidecarInput | CurrentInput): string | undefined {
  if ('url' in input) return input.url;
  if ('object' in input) return input.object;
  if ('uri' in input) return input.uri;
  return 'display' in input ? input.display : 'sha256' in input ? input.path : undefined;
}

async function sameInput(recorded: SidecarInput, current: CurrentInput): Promise<boolean> {
  if (current.kind === 'url') return 'url' in recorded && recorded.url === current.url;
  // The same version of the object, by what its listing says: no request per input on a rerun.
  if (current.kind === 'object')
    return (
      'object' in recorded &&
      recorded.object === current.uri &&
      recorded.size === current.size &&
      recorded.etag === current.etag
    );
  if (!('path' in recorded)) return false;
  const info = await stat(current.path).catch(() => null);
  if (!info) return false;
  if (info.size !== recorded.size) return false;
  if (info.mtimeMs === recorded.mtimeMs) return true;
  // An input that cannot be read now (removed, a folder or a FIFO in its place) is not known
  // done: it is redone, and its own check then says what is wrong with it.
  return (await hashFile(current.path).catch(() => null)) === recorded.sha256;
}

/**
 * Whether files exist, from one listing per folder: the answer is synchronous once the
 * folder has been listed, so that 20,000 inputs without sidecars cost no promise each. A
 * bucket's folder is one listing with the delimiter '/' (store/bucket.ts), whose sizes are
 * kept: an output's size then costs no request.
 */
class FolderListings {
  private readonly listed = new Map<string, ReadonlyMap<string, number | undefined>>();
  /** Listings under way: inputs asking while one is read wait for it, never read it again. */
  private readonly listing = new Map<string, Promise<ReadonlyMap<string, number | undefined>>>();

  constructor(private readonly reader: ResultReader) {}

  has(file: string): boolean | Promise<boolean> {
    const folder = path.dirname(file);
    const names = this.listed.get(folder);
    if (names) return names.has(path.basename(file));
    let loading = this.listing.get(folder);
    if (!loading) {
      loading = this.reader.list(folder).then((loaded) => {
        this.listed.set(folder, loaded);
        this.listing.delete(folder);
        return loaded;
      });
      this.listing.set(folder, loading);
    }
    return loading.then((loaded) => loaded.has(path.basename(file)));
  }

  /** The size of a file its folder's listing holds, when the listing gave it. */
  size(file: string): number | undefined {
    return this.listed.get(path.dirname(file))?.get(path.basename(file));
  }
}

/**
 * Decides resume for a whole batch. An input with no sidecar (every input of a first run)
 * costs no system call and no promise once its folders are listed: the answer is a plain
 * `false` then, which keeps planning 20,000 inputs light.
 */
export function createResumeCheck(
  layout: StateLayout,
  /** Where outputs and sidecars are: the local file system, or a bucket (never an output downloaded). */
  reader: ResultReader = localFiles,
): (outputPath: string, input: CurrentInput, signature: () => RequestSignature) => 'redo' | Promise<Verdict> {
  const listings = new FolderListings(reader);
  const verify = async (outputPath: string, input: CurrentInput, signature: RequestSignature): Promise<Verdict> => {
    const [sidecarBytes, outputSize] = await Promise.all([
      reader.read(layout.sidecarOf(outputPath)),
      listings.size(outputPath) ?? reader.sizeOf(outputPath),
    ]);
    const sidecar = sidecarBytes && parseSidecar(sidecarBytes.toString('utf8'));
    if (!sidecar) return 'redo';
    const recorded = identityOf(sidecar.input);
    const current = identityOf(input);
    // Recorded under another name (another input, or this one from another working folder or
    // after a move): the content says which.
    const same = recorded === current ? null : await sameInput(sidecar.input, input);
    if (same === false) return recorded === undefined || current === undefined ? 'redo' : { owner: recorded };
    if (outputSize !== sidecar.output.size || !sameSignature(sidecar.request, signature)) return 'redo';
    return same === true || (await sameInput(sidecar.input, input)) ? 'done' : 'redo';
  };
  return (outputPath, input, signature) => {
    const sidecar = listings.has(layout.sidecarOf(outputPath));
    if (sidecar === false) return 'redo';
    const output = listings.has(outputPath);
    if (sidecar === true && output === false) return 'redo';
    if (sidecar === true && output === true) return verify(outputPath, input, signature());
    return Promise.all([sidecar, output]).then(([hasSidecar, hasOutput]) =>
      hasSidecar && hasOutput ? verify(outputPath, input, signature()) : 'redo',
    );
  };
}
