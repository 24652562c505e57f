/** Links a report may hold: relative paths to files beside it, and web addresses from a server. */
import path from 'node:path';

/** `file` as a relative URL from `folder`, each segment percent-encoded (`#`, `?`, `%` are names, not syntax). */
export function fileHref(folder: string, file: string): string {
  return path.relative(folder, file).split(path.sep).map(encodeURIComponent).join('/');
}

/** `text` as a link when it is an http(s) URL, else undefined: never `javascript:` or another scheme. */
export function webHref(text: string): string | undefined {
  if (!/^https?:\/\//i.test(text.trim())) return undefined;
  try {
    return new URL(text.trim()).href;
  } catch {
    return undefined;
  }
}
