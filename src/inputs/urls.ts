/** URL inputs: telling them from paths, and naming their outputs safely. */
import path from 'node:path';

export function isUrlInput(text: string): boolean {
  return /^https?:\/\//i.test(text);
}

/** The URL's last path segment, decoded (a malformed escape stays as written) and cut at any `/` or `\` it hid. */
function lastSegment(url: string): string {
  const segment = new URL(url).pathname.split('/').filter(Boolean).pop() ?? '';
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // Kept as written: the character filter below makes it safe.
  }
  return decoded.split(/[\\/]/).pop() ?? '';
}

/** A file name stem from a URL, reduced to safe characters (no `/`, no `..`, never hidden). */
export function nameFromUrl(url: string): string {
  const safe = lastSegment(url)
    .replace(/\.[^.]*$/, '')
    .replace(/[^\p{L}\p{N}._-]+/gu, '_')
    .replace(/^[._]+/, '');
  return safe || 'image';
}

/** `nameFromUrl` with the URL's extension: a file name, never a path, never hidden, never `..`. */
export function fileNameFromUrl(url: string): string {
  const extension = path.posix.extname(lastSegment(url));
  const name = nameFromUrl(url) + (/^\.[\p{L}\p{N}]+$/u.test(extension) ? extension : '');
  return name.replace(/\.{2,}/g, '.');
}
