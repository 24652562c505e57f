/**
 * --json: one JSON object per line on stdout. The normal stream is one `result` per input
 * (skipped ones included, so every input is accounted for), `plan`, `warning`, `note` and `stop` as
 * they happen, `rate` at each change of the rate 429s without Retry-After set, and a final
 * `summary`; --verbose adds `start` and `retry`. --quiet does not thin it: it is about the
 * human output. Warnings and the summary's problems also go to
 * stderr as text, for a person watching the job.
 */
import { uncertaintyOf } from '../../api/uncertainty.js';
import type { ResultEvent } from '../../batch/events.js';
import { exitCodeOf } from '../exit-codes.js';
import { printLines } from '../io.js';
import { jsonLine } from '../terminal.js';
import { formatEvent } from './format.js';
import { createStyle } from './style.js';
import { summaryLines } from './summary.js';
import type { Reporter, ReporterOptions } from './types.js';

/** The documented fields in their order, whatever else a result may carry. */
function resultRecord(event: ResultEvent): Record<string, unknown> {
  const uncertainty = uncertaintyOf(event.headers);
  return {
    type: 'result',
    input: event.input,
    output: event.output,
    status: event.status,
    ...(event.error !== undefined && { error: event.error }),
    attempts: event.attempts,
    ms: event.ms,
    ...(event.httpStatus !== undefined && { httpStatus: event.httpStatus }),
    ...(event.maybeBilled !== undefined && { maybeBilled: event.maybeBilled }),
    ...(event.headers !== undefined && { headers: event.headers }),
    // The header as a number too, so that `jq 'select(.uncertainty > 0.5)'` needs no parsing.
    ...(uncertainty !== undefined && { uncertainty }),
    // edit --preset: the preset's verdict on the output.
    ...(event.compliance !== undefined && { compliance: event.compliance }),
  };
}

export function createNdjsonReporter(
  options: Pick<ReporterOptions, 'stdout' | 'stderr' | 'verbose' | 'color' | 'preset'>,
): Reporter {
  const style = createStyle(options.color);
  // One write per line, so lines never interleave with other writers.
  const emit = (record: object): void => {
    options.stdout.write(jsonLine(record));
  };
  return {
    onEvent(event) {
      switch (event.type) {
        case 'result':
          emit(resultRecord(event));
          return;
        case 'start':
        case 'retry':
        case 'ignored':
          if (options.verbose) emit(event);
          return;
        case 'warning':
        case 'watching':
          emit(event);
          printLines(options.stderr, formatEvent(event, style));
          return;
        case 'summary':
          emit({ ...event, exitCode: exitCodeOf(event) });
          printLines(options.stderr, summaryLines(event, { style, problemsOnly: true, preset: options.preset }));
          return;
        // Routine, no problem: stderr under --json keeps only those.
        case 'note':
        case 'rate':
        case 'stop':
          emit(event);
          return;
        case 'plan':
          emit(event);
      }
    },
    close() {},
  };
}
