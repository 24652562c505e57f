/**
 * ParamSet → the fields of a request, as the API spells them. Pure: local files are named,
 * not read; the client turns `{ file }` fields into streamed form parts.
 */
import path from 'node:path';
import { isHexCanonical } from './color.js';
import type { ParamEntry, ParamSet } from './set.js';

/** A `file` is an absolute path (see encodeFields). */
export type FieldValue = string | { readonly file: string };
export type Field = readonly [name: string, value: FieldValue];

function fieldName(entry: ParamEntry): string {
  const objectField = entry.spec?.objectField;
  return objectField && objectField.values.includes(String(entry.value)) ? objectField.name : entry.name;
}

function fieldValue(entry: ParamEntry, cwd: string): FieldValue {
  const kind = entry.spec?.kind ?? entry.layerField?.kind;
  if (kind === 'file') return { file: path.resolve(cwd, String(entry.value)) };
  if (kind === 'color' && entry.spec?.colorStyle === 'hash' && isHexCanonical(String(entry.value))) {
    return `#${String(entry.value)}`;
  }
  // Numbers, booleans (`false` included) and text all travel as their string form.
  return String(entry.value);
}

/**
 * A file parameter as given (`--background.imageFile bg.png`) is relative to `cwd`, the run's
 * working folder, which is not the process's when runs share a process: each file field
 * comes out absolute, so whatever opens, hashes or uploads it never guesses the base.
 */
export function encodeFields(params: ParamSet, cwd: string): Field[] {
  return params.entries().flatMap((entry): Field[] =>
    // A list is one field per value, as a form or query string repeats a name.
    entry.spec?.kind === 'urlList'
      ? String(entry.value)
          .split(',')
          .map((url) => [entry.name, url] as const)
      : [[fieldName(entry), fieldValue(entry, cwd)] as const],
  );
}

/** GET /v2/edit: every parameter in the query string, the image as `imageUrl`. */
export function toQueryString(imageUrl: string, fields: readonly Field[]): string {
  const query = new URLSearchParams({ imageUrl });
  for (const [name, value] of fields) {
    if (typeof value !== 'string') throw new Error(`${name} is a file and cannot be sent in a query string`);
    query.append(name, value);
  }
  return query.toString();
}
