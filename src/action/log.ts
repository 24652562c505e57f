/**
 * The job's log while the CLI speaks NDJSON: each record of its stdout in the words its
 * plain-lines reporter uses, and at the end one line with the counts and the exit code. The
 * CLI's own stderr (warnings, the summary's problems) reaches the log as it is.
 */
import type { BatchEvent, PlanEvent, SummaryEvent } from '../batch/events.js';
import type { RuleFailure } from '../check/judge.js';
import { escapeControls } from '../unsafe-text.js';
import { formatEvent } from '../cli/reporters/format.js';
import { createStyle } from '../cli/reporters/style.js';
import { label } from '../cli/reporters/words.js';
import { adviceLines, refusalLines } from '../cli/reporters/verdicts.js';
import type { RunOutcome } from './outcome.js';
import { exitMeaning } from './summary.js';

const plain = createStyle(false);

interface CheckResultRecord {
  type: 'result';
  input: string;
  status: 'pass' | 'refused' | 'unreadable';
  failures?: RuleFailure[];
  advice?: RuleFailure[];
  error?: string;
}

type LoggedEvent = Exclude<BatchEvent, SummaryEvent | PlanEvent>;

/** A record of `photoroom check --json` in words. */
function checkLines(record: CheckResultRecord): string[] {
  const advice = adviceLines(record.input, record.advice ?? [], plain);
  switch (record.status) {
    case 'pass':
      return [`${label('pass', plain.green)}${escapeControls(record.input)}`, ...advice];
    case 'refused':
      return [...refusalLines(record.input, { failures: record.failures ?? [] }, plain), ...advice];
    case 'unreadable':
      return [`${label('failed', plain.red)}${escapeControls(`${record.input}: ${record.error ?? ''}`)}`];
  }
}

/**
 * One `--json` record in words; none for a record the CLI already told on stderr (warnings)
 * or that the closing line tells (the summary).
 */
export function recordLines(command: RunOutcome['command'], line: string): string[] {
  let record: { type?: unknown; input?: unknown; output?: unknown };
  try {
    record = JSON.parse(line) as typeof record;
  } catch {
    return [];
  }
  if (command === 'check') return record.type === 'result' ? checkLines(record as CheckResultRecord) : [];
  switch (record.type) {
    case 'result':
    case 'note':
    case 'rate':
    case 'stop':
      return formatEvent(record as LoggedEvent, plain);
    case 'plan':
      return [`${label('planned', plain.dim)}${escapeControls(`${String(record.input)} → ${String(record.output)}`)}`];
    default:
      return [];
  }
}

/** `photoroom edit: 2 ok, 0 skipped, 1 failed, 2 credits used; exit 1 (some inputs failed ...)`. */
export function closingLine(outcome: RunOutcome, exitCode: number): string {
  const exit = `exit ${exitCode} (${exitMeaning(exitCode)})`;
  const run = `photoroom ${outcome.command}`;
  if (!outcome.summarized) return `${run} did not finish its batch: ${exit}`;
  if (outcome.command === 'check')
    return `${run}: ${outcome.ok} pass, ${outcome.preset?.refused ?? 0} would be refused, ${outcome.failed} could not be read; ${exit}`;
  return `${run}: ${outcome.ok} ok, ${outcome.skipped} skipped, ${outcome.failed} failed, ${outcome.credits} credits used; ${exit}`;
}
