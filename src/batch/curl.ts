/** `--dry-run`: the request a job would send, as a curl command a user can paste. */
import type { Field } from '../params/encode.js';
import { isObjectUri } from '../storage/location.js';
import { UNSAFE_CHARACTERS } from '../unsafe-text.js';

const UNSAFE = new RegExp(`[${UNSAFE_CHARACTERS}]`);

/**
 * A word holding characters a terminal would act on (unsafe-text.ts), written without them:
 * printf's octal escapes of their UTF-8 bytes, in a command substitution (POSIX: dash has no
 * $'...'). Trailing line feeds, which a command substitution drops, follow in single quotes.
 */
function printfWord(text: string): string {
  const trailing = /\n*$/.exec(text)![0];
  let format = '';
  for (const char of text.slice(0, text.length - trailing.length)) {
    if (UNSAFE.test(char))
      format += [...Buffer.from(char)].map((byte) => `\\${byte.toString(8).padStart(3, '0')}`).join('');
    else format += char === '\\' ? '\\\\' : char === '%' ? '%%' : char === "'" ? `'\\''` : char;
  }
  return `"$(printf '${format}')"${trailing ? `'${trailing}'` : ''}`;
}

/** POSIX shell quoting: single quotes, or printfWord for a word a terminal could act on. */
function shellQuote(text: string): string {
  if (/^[\w@%+=:,./-]+$/.test(text)) return text;
  return UNSAFE.test(text.replace(/\n+$/, '')) ? printfWord(text) : `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * A file part for curl's `-F`, `name=@path`. There `;` starts an attribute (`;type=`), `,`
 * separates files, and spaces around the path are dropped: such a path goes in double
 * quotes, inside which curl reads `\\` and `\"` as `\` and `"`.
 */
function formFile(field: string, file: string): string {
  const written = /[;,"\\]|^\s|\s$/.test(file) ? `"${file.replace(/[\\"]/g, '\\$&')}"` : file;
  return shellQuote(`${field}=@${written}`);
}

export interface CurlRequest {
  method: 'GET' | 'POST';
  url: string;
  /**
   * For POST: the uploaded image's form field and path, or the `s3://` URI of an object,
   * which the command reads from `aws s3 cp URI -` on its standard input.
   */
  upload?: { field: string; file: string } | { field: string; object: string };
  fields: readonly Field[];
  /** Headers beside the key (model versions). */
  headers?: Readonly<Record<string, string>>;
  outputPath: string;
}

export function curlCommand(request: CurlRequest): string {
  const parts = ['curl', '--fail-with-body', '-sS'];
  if (request.method === 'GET') {
    parts.push('-G', shellQuote(request.url));
  } else {
    parts.push('-X', 'POST', shellQuote(request.url));
  }
  // The key stays a variable: a dry run's output can be pasted into logs and tickets.
  parts.push('-H', '"x-api-key: $PHOTOROOM_API_KEY"');
  for (const [name, value] of Object.entries(request.headers ?? {})) parts.push('-H', shellQuote(`${name}: ${value}`));
  const { upload } = request;
  if (upload && 'object' in upload) {
    parts.unshift('aws', 's3', 'cp', shellQuote(upload.object), '-', '|');
    // `@-` reads standard input; the object's own name is what the API is told.
    const filename = upload.object.slice(upload.object.lastIndexOf('/') + 1);
    parts.push(
      '-F',
      shellQuote(`${upload.field}=@-;filename=${/[;,"\\]/.test(filename) ? JSON.stringify(filename) : filename}`),
    );
  } else if (upload) parts.push('-F', formFile(upload.field, upload.file));
  for (const [name, value] of request.fields) {
    if (typeof value !== 'string') parts.push('-F', formFile(name, value.file));
    // --form-string: curl would read a value starting with @ or < as a file.
    else if (request.method === 'POST') parts.push('--form-string', shellQuote(`${name}=${value}`));
    else parts.push('--data-urlencode', shellQuote(`${name}=${value}`));
  }
  // An output in a bucket: the answer goes up through `aws s3 cp -`, as an object input comes down.
  if (isObjectUri(request.outputPath)) parts.push('|', 'aws', 's3', 'cp', '-', shellQuote(request.outputPath));
  else parts.push('--create-dirs', '-o', shellQuote(request.outputPath));
  return parts.join(' ');
}
