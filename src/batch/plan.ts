/**
 * Where each input's result goes. Pure: no file system access.
 */
import path from 'node:path';
import type { ParamSet } from '../params/paramset.js';
import type { Endpoint } from '../params/types.js';

export type InputRef =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'url'; readonly url: string };

/** `/v2/edit` decides the format with `export.format`, `/v1/segment` with `format`; PNG by default. */
export function outputExtension(endpoint: Endpoint, params: ParamSet): string {
  const format = String(params.get(endpoint === 'edit' ? 'export.format' : 'format') ?? 'png');
  return format === 'jpeg' ? 'jpg' : format;
}

export function isUrlInput(text: string): boolean {
  return /^https?:\/\//i.test(text);
}

/** A file name from a URL's last path segment, reduced to safe characters. */
export function nameFromUrl(url: string): string {
  const last = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? '');
  const safe = last.replace(/\.[^.]*$/, '').replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^[._]+/, '');
  return safe || 'image';
}

export function outputPathFor(input: InputRef, outDir: string, extension: string): string {
  const stem = input.kind === 'url' ? nameFromUrl(input.url) : path.parse(input.path).name;
  return path.join(outDir, `${stem}.${extension}`);
}
