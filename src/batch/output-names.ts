/**
 * Where each input's result goes: the output folder mirrors each input's path relative to
 * its input root (or follows `--name`), the extension follows the output format, and two
 * inputs never write the same file. Pure: no file system access.
 */
import path from 'node:path';
import { UserError } from '../errors.js';
import { NAME_MAX_BYTES, shortenName } from '../paths.js';
import { SIDECAR_SUFFIX } from '../store/sidecar.js';
import type { ParamSet } from '../params/paramset.js';
import type { Endpoint } from '../params/types.js';

const DEFAULT_NAME_TEMPLATE = '{dir}/{name}.{ext}';
const PLACEHOLDER = /\{(\w+)\}/g;
const KNOWN_PLACEHOLDERS = new Set(['dir', 'name', 'ext', 'srcext']);

/** The template that writes each result beside its input under another name: the README's way to work in place. */
export const BESIDE_INPUT = '{dir}/{name}-white.{ext}';

/** `/v2/edit` decides the format with `export.format`, `/v1/segment` with `format`; PNG by default. */
export function outputExtension(endpoint: Endpoint, params: ParamSet): string {
  const format = String(params.get(endpoint === 'edit' ? 'export.format' : 'format') ?? 'png');
  return format === 'jpeg' ? 'jpg' : format;
}

export function checkNameTemplate(template: string): void {
  const unknown = [...template.matchAll(PLACEHOLDER)]
    .map((match) => match[1])
    .filter((name) => !KNOWN_PLACEHOLDERS.has(name ?? ''));
  if (unknown.length > 0) {
    throw new UserError(
      `--name ${JSON.stringify(template)}: unknown placeholder {${unknown.join('}, {')}}; use {dir}, {name}, {ext}, {srcext}`,
    );
  }
  if (!template.includes('{name}')) {
    throw new UserError(
      `--name ${JSON.stringify(template)}: must contain {name}, or every input would write the same file; for example --name '${BESIDE_INPUT}'`,
    );
  }
}

export interface PlannedOutput {
  path: string;
  /** Set when the natural name was taken by an earlier input: the name it would have had. */
  collidedWith?: string;
}

/**
 * Hands out output paths in discovery order. Discovery order is stable between runs, so
 * the same inputs get the same names and a rerun finds its earlier outputs.
 */
export class OutputNamer {
  /** Lower-cased, so that `A.png` and `a.png` collide as they would on macOS or Windows. */
  private readonly taken = new Set<string>();
  /** The template split once into literal text and placeholder names (odd indexes). */
  private readonly parts: string[];
  private readonly base: string;

  constructor(
    outDir: string,
    private readonly extension: string,
    template: string = DEFAULT_NAME_TEMPLATE,
    /** Outputs that hold another input's result (lower-cased path → that input, as its record names it): only that input takes them. */
    private readonly reserved: ReadonlyMap<string, string> = new Map(),
  ) {
    this.parts = template.split(PLACEHOLDER);
    this.base = outDir.endsWith(path.sep) ? outDir : `${outDir}${path.sep}`;
  }

  /** The natural output path, claimed or not. `relative`: the input's path below its root, `/`-separated. */
  nameFor(relative: string): string {
    return this.render(this.valuesOf(relative));
  }

  /**
   * The output path for an input, distinct from every path claimed before and from the
   * outputs reserved for other inputs. `input`: the input as records name it.
   */
  claim(relative: string, input?: string): PlannedOutput {
    const values = this.valuesOf(relative);
    const wanted = this.render(values);
    if (this.take(wanted, input)) return { path: wanted };
    // Taken: say where the source came from (`twin-png.png`), then count if still taken.
    for (let n = 1; ; n++) {
      const suffix = values.srcext ? `-${values.srcext}` : '';
      const candidate = this.render({ ...values, name: `${values.name}${suffix}${n > 1 ? `-${n}` : ''}` });
      if (this.take(candidate, input)) return { path: candidate, collidedWith: wanted };
    }
  }

  /** Whether an output was planned at this path (compared as a case-insensitive file system would). */
  isTaken(file: string): boolean {
    return this.taken.has(file.toLowerCase());
  }

  private valuesOf(relative: string): Record<string, string> {
    const parsed = path.posix.parse(relative);
    return { dir: parsed.dir, name: parsed.name, ext: this.extension, srcext: parsed.ext.slice(1).toLowerCase() };
  }

  private take(candidate: string, input: string | undefined): boolean {
    const key = candidate.toLowerCase();
    const owner = this.reserved.get(key);
    if (this.taken.has(key) || (owner !== undefined && owner !== input)) return false;
    this.taken.add(key);
    return true;
  }

  private render(values: Record<string, string>): string {
    let text = '';
    for (let at = 0; at < this.parts.length; at++)
      text += at % 2 === 0 ? this.parts[at] : (values[this.parts[at] ?? ''] ?? '');
    // Segments are rebuilt one by one: nothing in a name can climb out of the output folder.
    const segments = text.split(/[\\/]+/).filter((segment) => segment !== '' && segment !== '.' && segment !== '..');
    // Names too long for the file system are shortened the same way every run; the file
    // name leaves room for its sidecar's `.json`.
    const fitted = segments.map((segment, at) =>
      shortenName(segment, NAME_MAX_BYTES - (at === segments.length - 1 ? SIDECAR_SUFFIX.length : 0)),
    );
    return `${this.base}${fitted.join(path.sep)}`;
  }
}
