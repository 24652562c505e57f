/** Picks how a batch is shown: NDJSON, a progress bar, or plain lines. */
import { createLinesReporter } from './lines.js';
import { createNdjsonReporter } from './ndjson.js';
import type { Reporter, ReporterOptions } from './types.js';

export type { Reporter, ReporterOptions } from './types.js';
export { shouldColor } from './style.js';

export type ReporterKind = 'ndjson' | 'progress' | 'lines';

export function reporterKind(options: ReporterOptions): ReporterKind {
  if (options.json) return 'ndjson';
  if (options.progress && options.stderr.isTTY === true && !options.quiet) return 'progress';
  return 'lines';
}

export async function createReporter(options: ReporterOptions): Promise<Reporter> {
  switch (reporterKind(options)) {
    case 'ndjson':
      return createNdjsonReporter(options);
    case 'progress':
      // cli-progress is loaded for terminals only: CI logs and pipes never need it.
      return (await import('./progress.js')).createProgressReporter(options);
    case 'lines':
      return createLinesReporter(options);
  }
}
