/** A batch's outcome as the process exit code the README documents. */
import type { StopReason, SummaryEvent } from '../batch/events.js';
import { EXIT } from '../errors.js';

const STOP_EXIT_CODES: Readonly<Record<StopReason, number>> = {
  credits: EXIT.apiRefusedRun,
  key: EXIT.apiRefusedRun,
  interrupted: EXIT.interrupted,
  unavailable: EXIT.someInputsFailed,
  disk: EXIT.someInputsFailed,
  'output-closed': EXIT.someInputsFailed,
  cancelled: EXIT.cancelled,
  // The run stopped early, as for a dead service: a supervisor sees it and can restart it.
  'folders-gone': EXIT.someInputsFailed,
  crashed: EXIT.someInputsFailed,
};

/**
 * A stop's code first, then failed inputs or outputs that could not be measured (1, as
 * `photoroom check` counts an image it could not read), then outputs the preset's marketplace
 * would refuse (5).
 */
export function exitCodeOf(summary: Pick<SummaryEvent, 'stopped' | 'failed' | 'compliance'>): number {
  if (summary.stopped) return STOP_EXIT_CODES[summary.stopped];
  if (summary.failed > 0 || (summary.compliance?.unmeasured ?? 0) > 0) return EXIT.someInputsFailed;
  return (summary.compliance?.refused ?? 0) > 0 ? EXIT.wouldBeRefused : EXIT.ok;
}
