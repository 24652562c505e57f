/**
 * multipart/form-data (RFC 7578) written directly: a small upload becomes one buffer, a
 * large one a stream of its file's chunks between two small buffers, with an exact
 * Content-Length either way. Cheaper per request than FormData and web streams, and it lets
 * the caller see (hash) a file's bytes as they are sent instead of reading the file twice.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { errorCode, LocalFault } from '../errors.js';
import { regularFileChunks } from '../regular-file.js';

export type Part =
  | { name: string; value: string }
  | {
      name: string;
      filename: string;
      /** The bytes, when already in memory; otherwise `open`'s, or else `path`'s, are streamed. */
      content?: Buffer;
      path: string;
      /** The bytes from elsewhere than a file (an object in storage), opened afresh for each request. */
      open?: () => AsyncIterable<Buffer>;
      size: number;
      /** Sees every chunk of the file as it is sent. */
      onChunk?: (chunk: Buffer) => void;
      /** Told after a streamed file's last byte, before the part ends: a LocalFault it throws abandons the body. */
      beforeEnd?: () => void;
    };

export interface MultipartBody {
  contentType: string;
  length: number;
  body: Buffer | Readable;
  /**
   * The `path` of a part streamed from `open` whose next bytes the body is waiting for right
   * now, or null: a request that times out then was held up by its source, not by the API.
   */
  awaitedSource(): string | null;
}

/** Field names and file names in quotes: `"` and line breaks escaped as browsers do. */
function quoted(text: string): string {
  return `"${text.replaceAll('\r', '%0D').replaceAll('\n', '%0A').replaceAll('"', '%22')}"`;
}

function partHead(boundary: string, part: Part): Buffer {
  const disposition = `form-data; name=${quoted(part.name)}${'filename' in part ? `; filename=${quoted(part.filename)}` : ''}`;
  const type = 'filename' in part ? 'Content-Type: application/octet-stream\r\n' : '';
  return Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`);
}

const CRLF = Buffer.from('\r\n');

export function encodeMultipart(parts: readonly Part[]): MultipartBody {
  const boundary = `----photoroom${randomBytes(12).toString('hex')}`;
  // Each piece is a buffer, or a file to stream in its place.
  const pieces: (Buffer | Extract<Part, { path: string }>)[] = [];
  for (const part of parts) {
    pieces.push(partHead(boundary, part));
    if (!('filename' in part)) pieces.push(Buffer.from(part.value));
    else if (part.content) {
      part.onChunk?.(part.content);
      pieces.push(part.content);
    } else pieces.push(part);
    pieces.push(CRLF);
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));

  const length = pieces.reduce((sum, piece) => sum + (Buffer.isBuffer(piece) ? piece.length : piece.size), 0);
  const contentType = `multipart/form-data; boundary=${boundary}`;
  if (pieces.every((piece) => Buffer.isBuffer(piece)))
    return { contentType, length, body: Buffer.concat(pieces), awaitedSource: () => null };
  let awaited: string | null = null;
  const awaiting = (source: string | null) => (awaited = source);
  return {
    contentType,
    length,
    body: Readable.from(stream(pieces, awaiting), { objectMode: false }),
    awaitedSource: () => awaited,
  };
}

async function* stream(
  pieces: readonly (Buffer | Extract<Part, { path: string }>)[],
  awaiting: (source: string | null) => void,
): AsyncIterable<Buffer> {
  for (const piece of pieces) {
    if (Buffer.isBuffer(piece)) yield piece;
    else yield* fileChunks(piece, awaiting);
  }
}

/**
 * A file's (or `open`'s) bytes, exactly as many as Content-Length promised from the size
 * measured before: a file that grew or shrank since would corrupt the request, so it fails instead. Either
 * failure is this machine's (a LocalFault), never the network's to retry.
 */
async function* fileChunks(
  piece: Extract<Part, { path: string }>,
  awaiting: (source: string | null) => void,
): AsyncIterable<Buffer> {
  const changed = () =>
    new LocalFault(`${piece.path} changed while it was being sent; not retried (rerun once it is complete)`);
  // Said only of a source elsewhere (`open`): between two chunks, and before the first, it is what the request waits for.
  const source = piece.open ? piece.path : null;
  let sent = 0;
  try {
    awaiting(source);
    for await (const bytes of piece.open?.() ?? regularFileChunks(piece.path, 256 * 1024)) {
      awaiting(null);
      sent += bytes.length;
      if (sent > piece.size) throw changed();
      piece.onChunk?.(bytes);
      yield bytes;
      awaiting(source);
    }
    awaiting(null);
  } catch (error) {
    if (error instanceof LocalFault) throw error;
    const code = errorCode(error);
    throw new LocalFault(
      `cannot read ${piece.path} while sending it (${code ?? (error instanceof Error ? error.message : String(error))})`,
      { code },
    );
  }
  if (sent !== piece.size) throw changed();
  piece.beforeEnd?.();
}
