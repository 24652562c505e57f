import path from 'node:path';
import { isUrlInput } from './inputs/urls.js';

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

/** An input as the user named it: a URL as it is, a path as displayPath shows it. */
export function displayInput(cwd: string, source: string): string {
  return isUrlInput(source) ? source : displayPath(cwd, source);
}
