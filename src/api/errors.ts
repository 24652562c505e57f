/**
 * One error type for everything the API (or the network on the way) answers instead of an
 * image. The API uses three body shapes; 403 may come with no body at all.
 */
import { textField } from '../errors.js';

/**
 * - `http`: the API answered an error status.
 * - `network`, `timeout`: no whole answer came (connection refused or dropped, body cut short).
 * - `bad-answer`: a 2xx whose body is not the image it claims. Unlike the others it was
 *   probably billed, so the batch retries it at most once.
 * A 2xx whose status and headers came but whose body was then cut short is a `network` or
 * `timeout` fault that may have been billed too (see `mayBeBilled`).
 */
export type ApiErrorKind = 'http' | 'network' | 'timeout' | 'bad-answer';

export class ApiError extends Error {
  readonly status: number;
  readonly kind: ApiErrorKind;
  readonly retryable: boolean;
  /** The raw `Retry-After` header, when the service sent one. */
  readonly retryAfter?: string;
  /** A 2xx status came before the failure: the request may have been billed, so it is tried again at most once. */
  readonly mayBeBilled: boolean;

  constructor(options: {
    status: number;
    kind: ApiErrorKind;
    message: string;
    retryAfter?: string;
    retryable?: boolean;
    mayBeBilled?: boolean;
  }) {
    super(options.message);
    this.name = 'ApiError';
    this.status = options.status;
    this.kind = options.kind;
    this.retryAfter = options.retryAfter;
    this.retryable = options.retryable ?? (options.kind !== 'http' || isRetryableStatus(options.status));
    this.mayBeBilled = options.mayBeBilled ?? options.kind === 'bad-answer';
  }

  /** 402 (credits) and 403 (key) refuse every later request too: the run stops. */
  get refusesRun(): boolean {
    return this.status === 402 || this.status === 403;
  }
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

const STATUS_MEANING: Readonly<Record<number, string>> = {
  400: 'the API refused the request',
  402: 'no credits left on this account',
  403: 'the API key was refused (missing, wrong, or not allowed for this endpoint)',
  404: 'not found (check --base-url)',
  413: 'the image is too large for the API',
  429: 'rate limited by the API',
  500: 'the API failed (internal error)',
  502: 'bad gateway in front of the API',
  503: 'the API is unavailable',
  504: 'the API timed out',
};

/** The message inside any of the three shapes, or null. */
export function messageFromBody(text: string): string | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null) return null;
  const record = body as Record<string, unknown>;
  const inner = record.error;
  if (typeof inner === 'object' && inner !== null) {
    const { message, detail } = inner as Record<string, unknown>;
    if (typeof message === 'string') return message; // {"error":{"message"}}: 400, 500 on v2
    if (typeof detail === 'string') return detail; // {"error":{"detail"}}: 402 on v2
  }
  if (typeof inner === 'string') return inner;
  const detail = record.detail; // {"detail","status_code","type"}: v1
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail))
    return detail.map((item: unknown) => textField(item, 'msg') ?? JSON.stringify(item)).join('; ');
  return null;
}

export function apiErrorFromResponse(status: number, bodyText: string, retryAfter?: string): ApiError {
  const meaning = STATUS_MEANING[status] ?? `unexpected HTTP ${status}`;
  const detail = messageFromBody(bodyText);
  const message = detail && detail !== meaning ? `HTTP ${status}: ${detail}` : `HTTP ${status}: ${meaning}`;
  return new ApiError({ status, kind: 'http', message, retryAfter });
}

/** Codes of the errors a silent connection ends with (http.ts gives them; see apiErrorFromFailure). */
export const IDLE_TIMEOUT_CODES = { headers: 'HEADERS_TIMEOUT', body: 'BODY_TIMEOUT' } as const;

const TIMEOUT_CODES = new Set([...Object.values(IDLE_TIMEOUT_CODES), 'ETIMEDOUT', 'ABORT_ERR']);

/** Turns whatever the HTTP client or the socket threw into an ApiError (network faults are retryable). */
export function apiErrorFromFailure(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const cause: unknown = typeof error === 'object' && error !== null && 'cause' in error ? error.cause : undefined;
  const name = textField(error, 'name');
  // Only a text code says something: a DOMException's is a legacy number (an AbortSignal.timeout's reason has 23).
  const code = textField(error, 'code') ?? textField(cause, 'code') ?? name ?? 'ERROR';
  const timedOut = TIMEOUT_CODES.has(code) || name === 'TimeoutError';
  const reason = textField(cause, 'message') ?? textField(error, 'message') ?? String(error);
  return new ApiError({
    status: 0,
    kind: timedOut ? 'timeout' : 'network',
    message: timedOut ? `request timed out (${code})` : `network error: ${reason} (${code})`,
  });
}

/** `error`, met after a 2xx with `status` had come: a fault of its body, which may have been billed. */
export function afterBilledStatus(error: ApiError, status: number): ApiError {
  if (error.mayBeBilled) return error;
  const { kind, message, retryAfter, retryable } = error;
  return new ApiError({ status, kind, message, retryAfter, retryable, mayBeBilled: true });
}
