/**
 * What went wrong with object storage, in one line that names the bucket and key and says
 * what to do. The SDK's errors are told apart by name, HTTP status and system code; the
 * wording never holds a credential (the SDK's messages may quote an access key id, so the
 * run's redactor masks those too: storage.ts registers them).
 */
import { errorCode } from '../errors.js';

export type StorageProblemKind =
  | 'no-bucket'
  | 'no-object'
  | 'denied'
  | 'credentials'
  | 'no-credentials'
  | 'region'
  | 'unreachable'
  | 'unavailable'
  | 'other';

export interface StorageProblem {
  kind: StorageProblemKind;
  /** One line, without the location (the caller puts it first). */
  text: string;
}

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  Code?: unknown;
  Region?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $response?: { headers?: Record<string, unknown> };
}

function shape(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null ? error : {};
}

/** Where the requests went, for the messages: a custom endpoint, or AWS's region. */
export interface StorageTarget {
  endpoint?: string;
  region?: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/** Codes S3 and the compatible stores answer when they throttle or fail on their side, whatever the status. */
const UNAVAILABLE_CODES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'InternalError',
  'ServiceUnavailable',
]);

function regionOf(error: SdkErrorShape): string | undefined {
  const header = error.$response?.headers?.['x-amz-bucket-region'];
  if (typeof header === 'string' && header !== '') return header;
  return typeof error.Region === 'string' && error.Region !== '' ? error.Region : undefined;
}

function where(target: StorageTarget): string {
  return target.endpoint ? `at ${target.endpoint}` : `in ${target.region ?? 'the default region'}`;
}

/** The kind of failure and its one-line wording; `access` says what the run was doing. */
export function storageProblem(
  error: unknown,
  target: StorageTarget,
  access: 'list' | 'read' | 'write',
): StorageProblem {
  const sdk = shape(error);
  const name = typeof sdk.name === 'string' ? sdk.name : '';
  const code = typeof sdk.Code === 'string' ? sdk.Code : name;
  const status = typeof sdk.$metadata?.httpStatusCode === 'number' ? sdk.$metadata.httpStatusCode : undefined;
  const system = errorCode(error);
  const message = typeof sdk.message === 'string' ? sdk.message : String(error);
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message))
    return {
      kind: 'no-credentials',
      text: 'no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run where a role provides them (a Kubernetes service account, an instance role)',
    };
  if (/region is missing/i.test(message))
    return { kind: 'region', text: 'no AWS region is set: set AWS_REGION (for example AWS_REGION=us-east-1)' };
  if (code === 'NoSuchBucket')
    return {
      kind: 'no-bucket',
      text: `no such bucket ${where(target)}: check its name, and AWS_ENDPOINT_URL_S3 or AWS_REGION`,
    };
  if (code === 'NoSuchKey') return { kind: 'no-object', text: 'no such object' };
  if (
    ['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException'].includes(code) ||
    status === 301
  ) {
    const region = regionOf(sdk);
    return {
      kind: 'region',
      text: region
        ? `the bucket is in region ${region}, not ${target.region ?? 'the one set'}: set AWS_REGION=${region}`
        : `the bucket is in another region than ${target.region ?? 'the one set'}: set AWS_REGION to the bucket's region`,
    };
  }
  if (
    ['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'TokenRefreshRequired'].includes(
      code,
    )
  )
    return {
      kind: 'credentials',
      text: `the storage refused these credentials (${code}): check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE, and that they are for ${where(target)}`,
    };
  if (code === 'AccessDenied' || code === 'Forbidden' || status === 403) {
    const permission = access === 'list' ? 's3:ListBucket' : access === 'read' ? 's3:GetObject' : 's3:PutObject';
    return {
      kind: 'denied',
      text: `access denied: these credentials may not ${access} here; the bucket's policy or the role must allow ${permission}`,
    };
  }
  if ((system && NETWORK_CODES.has(system)) || name === 'TimeoutError' || name === 'RequestTimeout')
    return {
      kind: 'unreachable',
      text: `the storage endpoint ${target.endpoint ?? `for ${target.region ?? 'the default region'}`} does not answer (${system ?? name}): check AWS_ENDPOINT_URL_S3 and the network`,
    };
  const detail = status !== undefined ? `HTTP ${status}${code ? ` ${code}` : ''}` : code || system || 'error';
  if (UNAVAILABLE_CODES.has(code) || status === 429 || (status !== undefined && status >= 500 && status !== 501))
    return {
      kind: 'unavailable',
      text: `the storage is failing on its side (${detail}): try again later; a rerun resumes where this one stopped`,
    };
  if (status === 404 && access !== 'read')
    return { kind: 'no-bucket', text: `no such bucket ${where(target)}: check its name` };
  if (status === 404) return { kind: 'no-object', text: 'no such object' };
  return { kind: 'other', text: `the storage failed (${detail}): ${message}` };
}

/**
 * A failure worth trying again: the store throttled or failed on its side, or the
 * connection went. Not a refusal that every try would meet (denied, no bucket).
 */
export function isPassing(error: unknown): boolean {
  const { kind } = storageProblem(error, {}, 'write');
  return kind === 'unavailable' || kind === 'unreachable';
}
