/**
 * Plain lines on stderr, one per input: for logs, pipes and --quiet. A dry run's plan goes to
 * stdout, as a shell script of curl commands (`--dry-run > plan.sh`).
 */
import type { BatchEvent, PlanEvent, SummaryEvent } from '../../batch/events.js';
import { printLines } from '../io.js';
import { formatEvent, planLines } from './format.js';
import { createStyle } from './style.js';
import { summaryLines } from './summary.js';
import type { Reporter, ReporterOptions } from './types.js';

type Filter = Pick<ReporterOptions, 'quiet' | 'verbose'>;

/**
 * --quiet wins over --verbose. A stop before the start (credits check, declined confirmation)
 * is left to the summary, which says the same; a stop while running is shown at once, as
 * in-flight requests may take a while.
 */
function shownAsLine(
  event: Exclude<BatchEvent, SummaryEvent | PlanEvent>,
  { quiet, verbose }: Filter,
  started: boolean,
): boolean {
  switch (event.type) {
    case 'warning':
    case 'watching':
      return true;
    case 'stop':
      return started;
    case 'result':
      // An output the preset's marketplace would refuse is a problem, as a failure is.
      if (event.status === 'failed' || event.compliance?.pass === false) return true;
      return !quiet && (event.status === 'ok' || verbose);
    case 'retry':
    case 'ignored':
    case 'rate':
      return verbose && !quiet;
    case 'start':
    case 'note':
      return !quiet;
  }
}

export function createLinesReporter(
  options: Pick<ReporterOptions, 'stdout' | 'stderr' | 'quiet' | 'verbose' | 'color' | 'preset' | 'shard'>,
): Reporter {
  const style = createStyle(options.color);
  let started = false;
  let stopShown = false;
  let dryRun = false;
  let planned = 0;
  return {
    onEvent(event) {
      switch (event.type) {
        case 'summary':
          printLines(
            options.stderr,
            summaryLines(event, {
              style,
              problemsOnly: false,
              preset: options.preset,
              verbose: options.verbose,
              stopShown,
              shard: options.shard,
              ...(dryRun && { planned }),
            }),
          );
          return;
        case 'start':
          started = true;
          dryRun = event.dryRun;
          break;
        case 'plan':
          // Even under --quiet: the plan is what a dry run is for.
          planned += 1;
          printLines(options.stdout, planLines(event));
          return;
      }
      if (!shownAsLine(event, options, started)) return;
      printLines(options.stderr, formatEvent(event, style));
      if (event.type === 'stop') stopShown = true;
    },
    close() {},
  };
}
