/** One unit of a batch's work, as the queue carries it. */
import { isUrlInput } from '../inputs/urls.js';

/** One input's work: the input (an absolute path or a URL) and where its result goes. */
export interface Job {
  readonly source: string;
  readonly outputPath: string;
}

export function isUrlJob(job: Job): boolean {
  return isUrlInput(job.source);
}
