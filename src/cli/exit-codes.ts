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

export function exitCodeOf(summary: Pick<SummaryEvent, 'stopped' | 'failed'>): number {
  if (summary.stopped) return STOP_EXIT_CODES[summary.stopped];
  return summary.failed > 0 ? EXIT.someInputsFailed : EXIT.ok;
}
