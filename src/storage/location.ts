/**
 * `s3://bucket/key` as the user writes it: a bucket and a key (or a prefix, or a glob over
 * keys). Checked before anything is listed, so that a mistyped location costs nothing.
 */
import { UserError } from '../errors.js';

export const S3_SCHEME = 's3://';

export interface ObjectLocation {
  bucket: string;
  /** The key, a prefix, or a glob over keys; '' for the whole bucket. */
  key: string;
}

export function isObjectUri(text: string): boolean {
  return text.toLowerCase().startsWith(S3_SCHEME);
}

export function objectUri(location: ObjectLocation): string {
  return `${S3_SCHEME}${location.bucket}/${location.key}`;
}

/**
 * S3's rules (3–63 characters, lower-case letters, digits, dots and hyphens, a letter or
 * digit at each end), widened to the S3-compatible stores' (Google Cloud Storage takes
 * underscores, and up to 222 characters when dotted).
 */
const BUCKET_NAME = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

/**
 * A key's segments `.` and `..` would climb out of a prefix once mirrored into an output
 * folder; an empty segment (`a//b`) names a different object than it looks like.
 */
export function unsafeKeyReason(key: string): string | null {
  const segments = key.split('/');
  if (segments.some((segment) => segment === '..' || segment === '.'))
    return "it holds a '.' or '..' segment, which would name a different place once mirrored into an output folder";
  if (segments.slice(0, -1).some((segment) => segment === ''))
    return 'it holds an empty segment (//), which names a different place once mirrored into an output folder';
  return null;
}

/** Parses `s3://bucket/key`; `named` is how the user gave it (`-o s3://…`), for the message. */
export function parseObjectUri(text: string, named = text): ObjectLocation {
  const rest = text.slice(S3_SCHEME.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const key = slash === -1 ? '' : rest.slice(slash + 1);
  if (!text.startsWith(S3_SCHEME)) throw new UserError(`${named}: write the scheme in lower case, as s3://`);
  if (bucket === '') throw new UserError(`${named}: no bucket named; write s3://bucket/prefix/`);
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..'))
    throw new UserError(
      `${named}: ${JSON.stringify(bucket)} is not a bucket name (3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit)`,
    );
  const unsafe = unsafeKeyReason(key);
  if (unsafe) throw new UserError(`${named}: ${unsafe}`);
  return { bucket, key };
}
