/**
 * Lists of inputs (`--from-file`, `-` for standard input): one path or URL a line, or one
 * column of a CSV file. Parsing only: the caller opens the source.
 */
import { StringDecoder } from 'node:string_decoder';
import { UserError } from '../errors.js';

export interface ListFormat {
  /** How the list is named in messages: its path, or `standard input`. */
  name: string;
  csv: boolean;
  /** CSV only: a header name or a 1-based index; found by its header when absent (see columnIndex). */
  column?: string;
  /**
   * NUL-separated (`find -print0`, `-0`): entries are taken exactly as they are, spaces,
   * `#` and line breaks included; only empty ones are skipped.
   */
  nulSeparated?: boolean;
  /** Told which column a CSV list is read from when `column` did not say. */
  notice?: (message: string) => void;
}

type Chunks = AsyncIterable<string | Buffer> | Iterable<string>;

/**
 * The list's entries, trimmed; blank lines and lines starting with `#` are skipped.
 * A CSV list's first row is its header, read before this resolves so that a missing
 * column is reported before any entry.
 */
export async function readList(source: Chunks, format: ListFormat): Promise<AsyncGenerator<string>> {
  if (format.nulSeparated) return nulEntries(source);
  if (!format.csv) return plainEntries(source);
  const rows = csvRows(source);
  const header = await rows.next();
  try {
    return csvEntries(rows, header.done ? 0 : columnIndex(header.value, format));
  } catch (error) {
    await rows.return(undefined);
    throw error;
  }
}

async function* nulEntries(source: Chunks): AsyncGenerator<string> {
  let pending = '';
  for await (const piece of text(source)) {
    const parts = (pending + piece).split('\0');
    pending = parts.pop() ?? '';
    for (const entry of parts) if (entry !== '') yield entry;
  }
  if (pending !== '') yield pending;
}

async function* plainEntries(source: Chunks): AsyncGenerator<string> {
  for await (const line of lines(source)) {
    const entry = line.trim();
    if (entry !== '' && !entry.startsWith('#')) yield entry;
  }
}

async function* csvEntries(rows: AsyncGenerator<string[]>, index: number): AsyncGenerator<string> {
  for await (const row of rows) {
    const entry = row[index]?.trim();
    if (entry) yield entry;
  }
}

/** Header names that say a column holds the images, in order of preference. */
const INPUT_COLUMNS =
  /^(path|file|filename|file_?path|image|image_?(url|path|file)|url|src|source|input|photo|picture)$/i;

function columnIndex(header: readonly string[], format: ListFormat): number {
  const column = format.column?.trim();
  const names = header.map((name) => name.trim());
  if (column === undefined || column === '') {
    const found = names.findIndex((name) => INPUT_COLUMNS.test(name));
    const index = Math.max(0, found);
    const why = found >= 0 ? 'found by its header' : 'the first column; --column picks another';
    format.notice?.(
      `${format.name}: reading the inputs from column ${index + 1} (${JSON.stringify(names[index] ?? '')}: ${why})`,
    );
    return index;
  }
  const index = /^\d+$/.test(column)
    ? Number(column) - 1
    : names.findIndex((name) => name.toLowerCase() === column.toLowerCase());
  if (index < 0 || index >= names.length) {
    const listed = names.map((name) => `"${name}"`).join(', ');
    throw new UserError(`${format.name}: no column ${JSON.stringify(column)}; the columns are ${listed}`);
  }
  return index;
}

async function* text(source: Chunks): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let first = true;
  for await (const chunk of source) {
    let piece = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (first && piece !== '') {
      piece = piece.replace(/^\uFEFF/, '');
      first = false;
    }
    yield piece;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

async function* lines(source: Chunks): AsyncGenerator<string> {
  let pending = '';
  for await (const piece of text(source)) {
    const parts = (pending + piece).split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) yield line.replace(/\r$/, '');
  }
  if (pending) yield pending;
}

/**
 * CSV rows (RFC 4180, leniently): quoted fields may hold commas, `""` and line breaks.
 * Blank rows and rows whose first cell starts with `#` are skipped, as in a plain list.
 */
async function* csvRows(source: Chunks): AsyncGenerator<string[]> {
  let row: string[] = [];
  let field = '';
  let state: 'start' | 'plain' | 'quoted' | 'quote' = 'start';
  const endRow = function* () {
    row.push(field);
    const first = row[0]?.trim() ?? '';
    if (!(row.length === 1 && first === '') && !first.startsWith('#')) yield row;
    row = [];
    field = '';
    state = 'start';
  };
  for await (const piece of text(source)) {
    for (const char of piece) {
      if (state === 'quoted') {
        if (char === '"') state = 'quote';
        else field += char;
        continue;
      }
      if (state === 'quote') {
        // `""` inside quotes is a quote; anything else closes the quoted part.
        if (char === '"') {
          field += char;
          state = 'quoted';
          continue;
        }
        state = 'plain';
      }
      if (char === '"' && state === 'start') state = 'quoted';
      else if (char === ',') {
        row.push(field);
        field = '';
        state = 'start';
      } else if (char === '\n') yield* endRow();
      else if (char !== '\r') {
        field += char;
        state = 'plain';
      }
    }
  }
  if (field !== '' || row.length > 0 || state !== 'start') yield* endRow();
}
