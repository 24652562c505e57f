/**
 * A 2xx answer is checked before it counts: its body must be the image it claims to be,
 * whole (its format's structure walked to its end, inputs/image-end.ts), and within a size
 * cap. `/v1/segment` may also answer `{"base64img": ...}` (JSON), which is decoded on the
 * way and checked the same. Every check runs as the bytes stream through, so an answer
 * never sits whole in memory.
 */
import { ImageEndCheck } from '../inputs/image-end.js';
import { answerImageType, answerTypeOfMime, SIGNATURE_BYTES, type AnswerImageType } from '../inputs/signature.js';
import { Base64JsonError, decodeBase64ImageJson } from './base64-image-json.js';
import { discard } from './body.js';
import type { ApiResponse } from './client.js';
import { ApiError } from './errors.js';

export interface AnswerOptions {
  /** `/v1/segment` documents a JSON answer holding the image in base64. */
  jsonImageAllowed: boolean;
  /** Larger answers are cut off and fail (an endless body must not fill the disk). */
  maxBytes: number;
}

const MB = 1024 * 1024;

/** Far above any real result (a 36 MP PNG is under 150 MB), low enough that a runaway answer cannot fill a disk. */
export const DEFAULT_MAX_ANSWER_MB = 500;

function badAnswer(response: ApiResponse, message: string, retryable = true): ApiError {
  return new ApiError({ status: response.status, kind: 'bad-answer', message, retryable });
}

function overCap(response: ApiResponse, maxBytes: number): ApiError {
  // Not retried: an answer that large is a service fault that a second billed call would repeat.
  return badAnswer(
    response,
    `the answer is larger than the ${maxBytes / MB} MB cap (--max-answer-size); cut off`,
    false,
  );
}

function isJson(contentType: string): boolean {
  return /^application\/([\w.+-]+\+)?json\b/i.test(contentType.trim());
}

/** What the first bytes look like, for a message: `"<!DOCTYPE h"` or `89 50 4e 47`. */
function describeHead(head: Buffer): string {
  const text = head.toString('latin1');
  return /^[\x20-\x7e]+$/.test(text) ? JSON.stringify(text) : head.toString('hex').replace(/(..)(?!$)/g, '$1 ');
}

/**
 * The answer's image bytes, checked as they stream: a body that is not an image (empty,
 * an HTML page labelled image/png, bytes of another format than the one claimed, an image
 * cut short or followed by junk) is a `bad-answer`, thrown in place of the end, so that a
 * consumer never finishes with a damaged image; one cut short of its Content-Length is a
 * network fault; one over the cap is cut off.
 */
export function imageAnswer(response: ApiResponse, options: AnswerOptions): AsyncGenerator<Buffer> {
  const contentType = response.headers['content-type'] ?? '';
  if (options.jsonImageAllowed && isJson(contentType)) {
    return checkedImage(response, decodeJsonImage(response, options.maxBytes), undefined, options.maxBytes);
  }
  const claimed = answerTypeOfMime(contentType);
  if (!claimed) {
    discard(response.body);
    throw badAnswer(response, `the answer was not an image (content-type ${contentType || 'missing'})`);
  }
  const declared = response.headers['content-length'];
  if (declared !== undefined && Number(declared) > options.maxBytes) {
    discard(response.body);
    throw overCap(response, options.maxBytes);
  }
  return checkedImage(
    response,
    response.body,
    claimed,
    options.maxBytes,
    declared === undefined ? null : Number(declared),
  );
}

async function* decodeJsonImage(response: ApiResponse, maxBytes: number): AsyncGenerator<Buffer> {
  try {
    yield* decodeBase64ImageJson(response.body, { maxDecodedBytes: maxBytes });
  } catch (error) {
    // Anything else came from the connection: a network fault, not a bad answer.
    if (!(error instanceof Base64JsonError)) throw error;
    throw badAnswer(response, error.message);
  }
}

async function* checkedImage(
  response: ApiResponse,
  body: AsyncIterable<Buffer>,
  claimed: AnswerImageType | undefined,
  maxBytes: number,
  declaredLength: number | null = null,
): AsyncGenerator<Buffer> {
  let received = 0;
  /** The first bytes, held back until they can be checked. */
  let head: Buffer | null = Buffer.alloc(0);
  /**
   * Set when the first bytes are wrong. The rest is still read (up to the cap, never
   * written): if the connection then drops, the answer was a network fault, not a bad one.
   */
  let refusal: ApiError | null = null;
  const end = new ImageEndCheck();
  try {
    for await (const chunk of body) {
      received += chunk.length;
      if (received > maxBytes) throw overCap(response, maxBytes);
      if (refusal) continue;
      end.push(chunk);
      if (head === null) {
        yield chunk;
        continue;
      }
      head = Buffer.concat([head, chunk]);
      if (head.length < SIGNATURE_BYTES) continue;
      refusal = signatureProblem(response, head, claimed);
      if (!refusal) yield head;
      head = null;
    }
  } finally {
    // Stops reading an answer refused midway (over the cap); a no-op once it has ended.
    discard(response.body);
  }
  if (declaredLength !== null && received !== declaredLength) {
    throw new ApiError({
      status: response.status,
      kind: 'network',
      message: `the answer was cut short (${received} of ${declaredLength} bytes)`,
    });
  }
  if (received === 0) throw badAnswer(response, 'the answer was empty (0 bytes)');
  if (head !== null) refusal = signatureProblem(response, head, claimed) ?? refusal;
  if (refusal) throw refusal;
  const { format, problem } = end.verdict();
  if (problem !== null) throw badAnswer(response, `the answer was not a whole ${format ?? 'image'}: ${problem}`);
  if (head !== null) yield head;
}

function signatureProblem(response: ApiResponse, head: Buffer, claimed: AnswerImageType | undefined): ApiError | null {
  const actual = answerImageType(head);
  if (actual === undefined) {
    return badAnswer(
      response,
      `the answer was not an image: its bytes start with ${describeHead(head.subarray(0, SIGNATURE_BYTES))}`,
    );
  }
  if (claimed !== undefined && actual !== claimed) {
    return badAnswer(
      response,
      `the answer claimed ${response.headers['content-type']} but its bytes are ${actual.toUpperCase()}`,
    );
  }
  return null;
}
