import { createHash } from 'node:crypto';
import path from 'node:path';
import { isUrlInput } from './inputs/urls.js';
import { isObjectUri } from './storage/location.js';

/**
 * `file` relative to `folder` when it is inside it (or is it: ''), else null. Both must be
 * absolute and normalised (as path.resolve makes them). A string comparison: this runs
 * several times per input, where path.relative's allocations showed in profiles.
 */
export function relativeInside(file: string, folder: string): string | null {
  if (file === folder) return '';
  const prefix = folder.endsWith(path.sep) ? folder : `${folder}${path.sep}`;
  return file.startsWith(prefix) ? file.slice(prefix.length) : null;
}

/** Relative to the working folder when inside it, absolute otherwise. */
export function displayPath(cwd: string, file: string): string {
  return relativeInside(file, cwd) || file;
}

/** An input as the user named it: a URL or an object's s3:// URI as it is, a path as displayPath shows it. */
export function displayInput(cwd: string, source: string): string {
  return isUrlInput(source) || isObjectUri(source) ? source : displayPath(cwd, source);
}

/** The longest file name most file systems take, in bytes (NAME_MAX). */
export const NAME_MAX_BYTES = 255;

/**
 * `name` cut to at most `maxBytes` UTF-8 bytes, its extension kept: the stem is cut and
 * a digest of the whole name appended, so that two long names stay two distinct names and
 * the same name always shortens the same way.
 */
export function shortenName(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const extension = path.extname(name);
  const digest = `~${createHash('sha256').update(name).digest('hex').slice(0, 10)}`;
  const room = maxBytes - Buffer.byteLength(extension) - digest.length;
  let stem = '';
  for (const char of name.slice(0, name.length - extension.length)) {
    if (Buffer.byteLength(stem + char) > room) break;
    stem += char;
  }
  return `${stem}${digest}${extension}`;
}
