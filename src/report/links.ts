/** Links a report may hold: relative paths to files beside it, and web addresses from a server. */
import path from 'node:path';

/** Input formats the tool takes that browsers do not show, by extension: the page says so in their place. */
const NOT_SHOWN_BY_BROWSERS: ReadonlyMap<string, string> = new Map([
  ['tif', 'TIFF'],
  ['tiff', 'TIFF'],
  ['heic', 'HEIC'],
  ['heif', 'HEIF'],
]);

/** The format of `file` when a browser cannot show it as an image (TIFF, HEIC), else undefined. */
export function formatNoBrowserShows(file: string): string | undefined {
  return NOT_SHOWN_BY_BROWSERS.get(path.extname(file).slice(1).toLowerCase());
}

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
