/** One unit of a batch's work, as the queue carries it. */
import type { DiscoveredInput } from '../inputs/discover.js';
import { isUrlInput } from '../inputs/urls.js';

/** An object input's version as it was listed: what is read (and nothing else) when it is sent. */
export interface ListedVersion {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  /** Named on a list, and not in the bucket. */
  readonly missing?: true;
}

/** One input's work: the input (an absolute path, a URL or an `s3://` URI) and where its result goes. */
export interface Job {
  readonly source: string;
  readonly outputPath: string;
  /** An object input's listed version. */
  readonly object?: ListedVersion;
}

export function isUrlJob(job: Job): boolean {
  return isUrlInput(job.source);
}

/** What a job's `source` is for a discovered input. */
export function sourceOf(item: DiscoveredInput): string {
  return item.kind === 'url' ? item.url : item.kind === 'object' ? item.uri : item.path;
}

export function jobOf(item: DiscoveredInput, outputPath: string): Job {
  const source = sourceOf(item);
  if (item.kind !== 'object') return { source, outputPath };
  const { bucket, key, size, etag, missing } = item;
  return { source, outputPath, object: { bucket, key, size, etag, ...(missing && { missing }) } };
}
