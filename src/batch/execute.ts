/**
 * One attempt of one input: the request its kind calls for, then the answer streamed into
 * its output file atomically. A bad answer (not an image, cut short) is a retryable error
 * and never becomes an output.
 */
import type { Client } from '../api/client.js';
import { ApiError, apiErrorFromFailure } from '../api/errors.js';
import type { Field } from '../params/encode.js';
import type { Endpoint } from '../params/types.js';
import { writeAtomically, type WrittenFile } from '../store/outputs.js';

export type JobInput = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'url'; readonly url: string };

export interface AttemptResult {
  status: number;
  headers: Record<string, string>;
  output: WrittenFile;
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
  input: JobInput,
  fields: readonly Field[],
  outputPath: string,
): Promise<AttemptResult> {
  const response =
    endpoint === 'segment'
      ? await client.segment(input.kind === 'file' ? input.path : input.url, fields)
      : input.kind === 'url'
        ? await client.editUrl(input.url, fields)
        : await client.editUpload(input.path, fields);
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
    return { status: response.status, headers: response.headers, output };
  } catch (error) {
    if (error instanceof ApiError || isLocalFailure(error)) throw error;
    throw apiErrorFromFailure(error);
  }
}
