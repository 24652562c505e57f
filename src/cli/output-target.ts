/**
 * What `-o` names: a folder of results (the default), one image file for a one-input run
 * (`photoroom edit mug.jpg -o mug-white.png`, as `rembg i in out` users expect), or `-` for
 * standard output (pipes).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { RawParam } from '../params/paramset.js';
import { paramByName } from '../params/table.js';
import type { Endpoint } from '../params/types.js';
import { isObjectUri, parseObjectUri } from '../storage/location.js';
import { UserError } from '../errors.js';
import { IMAGE_EXTENSIONS } from '../inputs/formats.js';

export type OutputTarget =
  | { kind: 'folder'; dir: string }
  | { kind: 'file'; file: string }
  | { kind: 'stdout' }
  /** `-o s3://bucket/prefix[/]`: always a prefix; `uri` has no trailing slash. */
  | { kind: 'bucket'; uri: string };

/** The parameter that chooses the output format on each endpoint. */
export const FORMAT_PARAM: Readonly<Record<Endpoint, 'export.format' | 'format'>> = {
  edit: 'export.format',
  segment: 'format',
};

/**
 * The image formats an output file may be named for, by extension: every value of either
 * endpoint's format parameter in the table (so a format the API gains, such as avif, names
 * a file at once), `jpeg` spelled `jpg` as segment's parameter takes it.
 */
const FORMAT_OF_EXTENSION: Readonly<Record<string, string>> = Object.fromEntries(
  Object.values(FORMAT_PARAM)
    .flatMap((name) => paramByName(name)?.enum ?? [])
    .map((format) => [format, format === 'jpeg' ? 'jpg' : format]),
);

function extensionOf(file: string): string {
  return path.extname(file).slice(1).toLowerCase();
}

/**
 * A bucket output is a prefix, with or without its trailing slash. One named like an image
 * (`s3://b/mug.png`) is refused rather than taken as a prefix `mug.png/`: the user surely
 * meant one object, which a bucket output does not write; `s3://b/mug.png/` says "a prefix".
 */
function bucketTarget(out: string): OutputTarget {
  const { bucket, key } = parseObjectUri(out, `-o ${out}`);
  if (!out.endsWith('/') && FORMAT_OF_EXTENSION[extensionOf(key)])
    throw new UserError(
      `-o ${out} names one object, but an s3:// output is a prefix that outputs keep their names under: write -o s3://${bucket}/${path.posix.dirname(key) === '.' ? '' : `${path.posix.dirname(key)}/`}, or end it with / to mean a prefix`,
    );
  return { kind: 'bucket', uri: out.replace(/\/+$/, '') };
}

export async function outputTarget(out: string, cwd: string): Promise<OutputTarget> {
  if (out === '-') return { kind: 'stdout' };
  if (isObjectUri(out)) return bucketTarget(out);
  const absolute = path.resolve(cwd, out);
  const existing = await stat(absolute).catch(() => null);
  if (existing?.isDirectory()) return { kind: 'folder', dir: absolute };
  if (existing?.isFile() || FORMAT_OF_EXTENSION[extensionOf(absolute)]) return { kind: 'file', file: absolute };
  // `-o mug.gif`: surely one image meant, in a format the API does not write; never a folder so named.
  if (!existing && IMAGE_EXTENSIONS.includes(extensionOf(absolute)))
    throw new UserError(
      `-o ${out}: the API does not write .${extensionOf(absolute)} images; name the output file ${writableExtensions()}, or give -o a folder`,
    );
  return { kind: 'folder', dir: absolute };
}

/** `.png, .jpg, .webp...`: the names an output file may have. */
function writableExtensions(): string {
  return Object.keys(FORMAT_OF_EXTENSION)
    .map((extension) => `.${extension}`)
    .join(', ');
}

/**
 * The format an output file's name asks for, as a parameter of the lowest precedence:
 * `-o mug.jpg` means JPEG unless a flag or the config file says otherwise (which is then
 * refused by `formatMismatch`).
 */
export function impliedFormat(target: OutputTarget, endpoint: Endpoint, out: string): RawParam[] {
  if (target.kind !== 'file') return [];
  const format = FORMAT_OF_EXTENSION[extensionOf(target.file)];
  return format ? [{ name: FORMAT_PARAM[endpoint], value: format, source: `-o ${out}` }] : [];
}

/** Why the chosen format and the output file's name disagree, or null. */
export function formatMismatch(
  target: OutputTarget,
  chosen: { value: string; source: string } | undefined,
  out: string,
): string | null {
  if (target.kind !== 'file' || !chosen) return null;
  const named = FORMAT_OF_EXTENSION[extensionOf(target.file)];
  if (!named) return `-o ${out}: name the output file ${writableExtensions()}, or give -o a folder`;
  const asked = FORMAT_OF_EXTENSION[chosen.value] ?? chosen.value;
  return named === asked
    ? null
    : `-o ${out} names a ${extensionOf(target.file).toUpperCase()} file, but ${chosen.source} asks for ${chosen.value}: name the file .${asked}, or leave out ${chosen.source}`;
}
