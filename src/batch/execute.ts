/**
 * One attempt of one input: the request its kind calls for, then the answer streamed into
 * its output file atomically. A bad answer (not an image, cut short) is a retryable error
 * and never becomes an output.
 */
import { createHash, type Hash } from 'node:crypto';
import type { Client, Upload } from '../api/client.js';
import { ApiError, apiErrorFromFailure } from '../api/errors.js';
import type { Field } from '../params/encode.js';
import type { Endpoint } from '../params/types.js';
import { writeAtomically, type WrittenFile } from '../store/outputs.js';

/** A file input with its bytes when they were already read; a URL input as it is. */
export type Sendable = { kind: 'file'; upload: Upload } | { kind: 'url'; url: string };

export interface AttemptResult {
  status: number;
  headers: Record<string, string>;
  output: WrittenFile;
  /** SHA-256 of a file input, taken from the bytes as they were uploaded. */
  inputSha256?: string;
}

/** File system failures are ours to report, not the network's to retry. */
const LOCAL_ERRORS = new Set(['EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'EISDIR', 'ENOTDIR', 'EDQUOT', 'EEXIST']);

function isLocalFailure(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code !== undefined && LOCAL_ERRORS.has(code) && (error as { syscall?: string }).syscall !== undefined;
}

export async function sendOnce(
  client: Client,
  endpoint: Endpoint,
  input: Sendable,
  fields: readonly Field[],
  outputPath: string,
): Promise<AttemptResult> {
  let inputHash: Hash | null = null;
  let response;
  if (input.kind === 'url') {
    response = await client.editUrl(input.url, fields);
  } else {
    const hash = (inputHash = createHash('sha256'));
    const upload = { ...input.upload, onChunk: (chunk: Buffer) => hash.update(chunk) };
    response = endpoint === 'segment' ? await client.segment(upload, fields) : await client.editUpload(upload, fields);
  }
  const contentType = response.headers['content-type'] ?? '';
  if (!contentType.startsWith('image/')) {
    response.body.resume();
    throw new ApiError({ status: response.status, kind: 'network', message: `the answer was not an image (content-type ${contentType || 'missing'})` });
  }
  const expected = response.headers['content-length'] === undefined ? null : Number(response.headers['content-length']);
  try {
    const output = await writeAtomically(outputPath, response.body, (written) => {
      if (expected !== null && expected !== written.bytes) {
        throw new ApiError({ status: response.status, kind: 'network', message: `the answer was cut short (${written.bytes} of ${expected} bytes)` });
      }
    });
    return { status: response.status, headers: response.headers, output, inputSha256: inputHash?.digest('hex') };
  } catch (error) {
    if (error instanceof ApiError || isLocalFailure(error)) throw error;
    throw apiErrorFromFailure(error);
  }
}
