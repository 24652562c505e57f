/**
 * What the action tells of a run, gathered from the CLI's `--json` lines as they come: the
 * counts of its summary line, the failed inputs and refused outputs with their reasons (a
 * bounded list: a batch of a million inputs must not fill the memory or the job summary),
 * and the stop. `edit` and `segment` print the batch's records (cli/reporters/ndjson.ts),
 * `check` its own (cli/reporters/check.ts); both are read here, and nothing else is.
 */
import type { SettledRate, StopReason, SummaryEvent } from '../batch/events.js';
import type { CheckSummary } from '../check/run.js';
import type { Compliance } from '../check/compliance-record.js';
import type { RuleFailure } from '../check/judge.js';

export const ACTION_COMMANDS = ['edit', 'segment', 'check'] as const;
export type ActionCommand = (typeof ACTION_COMMANDS)[number];

/** Failed inputs and refused outputs listed by name; the rest are only counted. */
export const MAX_LISTED = 50;

/** A failed input, or an output (an image, for check) a marketplace would refuse, with why. */
export interface Listed {
  name: string;
  reasons: string[];
}

export interface RunOutcome {
  command: ActionCommand;
  /** The summary line came: the batch ran to its end, or to a stop it reported. */
  summarized: boolean;
  /** `check`: images that pass. */
  ok: number;
  skipped: number;
  /** Inputs that failed; `check`: images that could not be read or measured. */
  failed: number;
  notProcessed: number;
  /** Requests a dry run planned and did not send. */
  planned: number;
  /** Successful calls, plus every answer that may have been billed without giving a result; `check` spends none. */
  credits: number;
  /**
   * `--preset`: its name, the outputs (images, for check) it judged, those it would refuse,
   * those whose pixels could not be measured (`edit`; `check` counts them as failed), and how
   * many failed each rule.
   */
  preset?: { name: string; checked: number; refused: number; unmeasured: number; byRule: Record<string, number> };
  failures: Listed[];
  refusals: Listed[];
  stop?: { reason: StopReason; message?: string };
  /** The run's warnings, in order (the CLI also printed them on the log). */
  warnings: string[];
  /** 429s without Retry-After limited the run: the rate it settled at, and the `--rate` to ask for next time. */
  settledRate?: SettledRate;
}

/** The fields of the `--json` lines the action reads; the CLI's reporters write them. */
type JsonRecord =
  | {
      type: 'result';
      input: string;
      output?: string;
      status: string;
      error?: string;
      compliance?: Compliance;
      failures?: RuleFailure[];
    }
  | { type: 'plan' }
  | { type: 'warning'; message: string }
  | { type: 'stop'; reason: StopReason; message: string }
  | BatchSummaryRecord
  | CheckSummaryRecord;

type BatchSummaryRecord = Pick<
  SummaryEvent,
  | 'type'
  | 'ok'
  | 'skipped'
  | 'failed'
  | 'notProcessed'
  | 'failures'
  | 'maybeBilled'
  | 'stopped'
  | 'stopMessage'
  | 'compliance'
  | 'settledRate'
>;

type CheckSummaryRecord = { type: 'summary' } & Pick<
  CheckSummary,
  'preset' | 'total' | 'passed' | 'refused' | 'unreadable' | 'notChecked' | 'byRule'
>;

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** Gathers a run's outcome, one `--json` line at a time. */
export class OutcomeTally {
  private readonly outcome: RunOutcome;

  constructor(command: ActionCommand) {
    this.outcome = {
      command,
      summarized: false,
      ok: 0,
      skipped: 0,
      failed: 0,
      notProcessed: 0,
      planned: 0,
      credits: 0,
      failures: [],
      refusals: [],
      warnings: [],
    };
  }

  /** One line of the CLI's stdout; a line that is not one of its records is not the action's business. */
  addLine(line: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return;
    }
    if (isRecord(parsed)) this.add(parsed);
  }

  result(): RunOutcome {
    return this.outcome;
  }

  private add(record: JsonRecord): void {
    const outcome = this.outcome;
    switch (record.type) {
      case 'result':
        return this.addResult(record);
      case 'plan':
        outcome.planned += 1;
        return;
      case 'warning':
        if (outcome.warnings.length < MAX_LISTED) outcome.warnings.push(record.message);
        return;
      case 'stop':
        outcome.stop = { reason: record.reason, message: record.message };
        return;
      case 'summary':
        outcome.summarized = true;
        if ('passed' in record) this.addCheckSummary(record);
        else this.addBatchSummary(record);
    }
  }

  private addResult(record: Extract<JsonRecord, { type: 'result' }>): void {
    const { refusals, failures } = this.outcome;
    if (this.outcome.command === 'check') {
      // The summary line counts them; the records give their reasons.
      if (record.status === 'refused' && refusals.length < MAX_LISTED)
        refusals.push({ name: record.input, reasons: (record.failures ?? []).map((failure) => failure.reason) });
      if (record.status === 'unreadable' && failures.length < MAX_LISTED)
        failures.push({ name: record.input, reasons: [record.error ?? 'could not be read'] });
      return;
    }
    const { compliance } = record;
    if (compliance && !compliance.pass && refusals.length < MAX_LISTED) {
      const reasons = compliance.error
        ? [`could not be measured: ${compliance.error}`]
        : compliance.failures.map((failure) => failure.reason);
      refusals.push({ name: record.output ?? record.input, reasons });
    }
  }

  private addBatchSummary(summary: BatchSummaryRecord): void {
    const outcome = this.outcome;
    outcome.ok = summary.ok;
    outcome.skipped = summary.skipped;
    outcome.failed = summary.failed;
    // A dry run's planned requests are not left out: they are what it was asked for.
    outcome.notProcessed = summary.notProcessed - outcome.planned;
    outcome.credits = summary.ok + summary.maybeBilled.requests;
    outcome.failures = summary.failures
      .slice(0, MAX_LISTED)
      .map(({ input, error }) => ({ name: input, reasons: [error] }));
    if (summary.stopped)
      outcome.stop = { reason: summary.stopped, message: summary.stopMessage ?? outcome.stop?.message };
    if (summary.settledRate) outcome.settledRate = summary.settledRate;
    const { compliance } = summary;
    if (compliance)
      outcome.preset = {
        name: compliance.preset,
        checked: compliance.checked,
        refused: compliance.refused,
        unmeasured: compliance.unmeasured,
        byRule: compliance.byRule,
      };
  }

  private addCheckSummary(summary: CheckSummaryRecord): void {
    const outcome = this.outcome;
    outcome.ok = summary.passed;
    outcome.failed = summary.unreadable;
    outcome.notProcessed = summary.notChecked;
    outcome.preset = {
      name: summary.preset,
      checked: summary.total - summary.notChecked - summary.unreadable,
      refused: summary.refused,
      unmeasured: 0,
      byRule: summary.byRule,
    };
  }
}
