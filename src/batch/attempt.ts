/**
 * One attempt of one input: the request its kind calls for, then the answer checked and
 * streamed into its output file atomically. A bad answer (not an image, cut short, over
 * the cap) never becomes an output.
 */
import { createHash, type Hash } from 'node:crypto';
import { imageAnswer } from '../api/answer.js';
import type { ApiResponse, Client, Upload } from '../api/client.js';
import { afterBilledStatus, ApiError, apiErrorFromFailure } from '../api/errors.js';
import { LocalFault } from '../errors.js';
import { ImageEndCheck } from '../inputs/image-end.js';
import type { Field } from '../params/encode.js';
import type { Endpoint } from '../params/types.js';
import type { Results, WrittenFile } from '../store/results.js';

/** A file input with its bytes when they were already read; a URL input as it is. */
export type Sendable = { kind: 'file'; upload: Upload } | { kind: 'url'; url: string };

export interface AttemptContext {
  client: Client;
  endpoint: Endpoint;
  fields: readonly Field[];
  folder: Pick<Results, 'write'>;
  maxAnswerBytes: number;
}

export interface AttemptResult {
  status: number;
  headers: Record<string, string>;
  output: WrittenFile;
  /** SHA-256 of a file input, taken from the bytes as they were uploaded. */
  inputSha256?: string;
}

/**
 * `onAnswer` hears the status of a 2xx as soon as it comes, before its body is read: from
 * then on the request may have been billed, whatever happens to the body.
 */
export async function sendOnce(
  context: AttemptContext,
  input: Sendable,
  outputPath: string,
  onAnswer: (status: number) => void,
): Promise<AttemptResult> {
  const { client, endpoint, fields } = context;
  let inputHash: Hash | null = null;
  let response: ApiResponse;
  if (input.kind === 'url') {
    response = await client.editUrl(input.url, fields);
  } else {
    const hash = (inputHash = createHash('sha256'));
    // A streamed file cut short (a download or a copy that stopped) is found as it goes, and
    // the request abandoned before its end: the service never gets a whole request to process.
    // Bytes held in memory were judged before the attempt (prepare.ts), once.
    const end = input.upload.content ? null : new ImageEndCheck();
    const upload = {
      ...input.upload,
      onChunk: (chunk: Buffer) => {
        hash.update(chunk);
        end?.push(chunk);
      },
      beforeEnd: () => {
        const problem = end?.verdict('allowed').problem;
        if (problem) throw new LocalFault(`not a whole image: ${problem}; the request was abandoned before its end`);
      },
    };
    response = endpoint === 'segment' ? await client.segment(upload, fields) : await client.editUpload(upload, fields);
  }
  onAnswer(response.status);
  try {
    const image = imageAnswer(response, { jsonImageAllowed: endpoint === 'segment', maxBytes: context.maxAnswerBytes });
    const output = await context.folder.write(outputPath, image);
    return { status: response.status, headers: response.headers, output, inputSha256: inputHash?.digest('hex') };
  } catch (error) {
    if (error instanceof LocalFault) throw error;
    // Anything else broke while the answer streamed in: the connection.
    throw afterBilledStatus(error instanceof ApiError ? error : apiErrorFromFailure(error), response.status);
  }
}
