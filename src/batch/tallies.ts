/**
 * What a run adds up for its summary: results by status, the inputs still to do, the
 * failures, the unsupported attributes the API named, and the requests that may have been
 * billed without a result. Counted from the result events as they are reported.
 */
import { noneIgnored, type IgnoreReason } from '../inputs/discover.js';
import { isMeaningfulHeader } from '../store/sidecar.js';
import type { Compliance } from '../check/compliance.js';
import { RuleCounts } from '../check/rule-counts.js';
import type { ComplianceSummary, Failure, ResultEvent, SettledRate, StopEvent, SummaryEvent } from './events.js';
import type { Survey } from './planner.js';

export class Tallies {
  private ignored: Record<IgnoreReason, number> = noneIgnored();
  private ok = 0;
  private skipped = 0;
  /** Inputs planned but not done: counted down as results come. */
  private pending = 0;
  private requests = 0;
  private rateLimited = 0;
  private settledRate: SettledRate | undefined;
  private readonly maybeBilled = { requests: 0, inputs: 0 };
  /** By input: --watch sends an input again once changed, and its latest result is the one that counts. */
  private readonly failures = new Map<string, Failure>();
  private readonly unsupported = new Map<string, number>();
  /** `edit --preset`: the verdict on each output, by output (--watch may report one twice), or null without a preset. */
  private readonly verdicts: Map<string, Compliance> | null;

  constructor(private readonly preset?: string) {
    this.verdicts = preset === undefined ? null : new Map();
  }

  /** The survey's verdicts: what is done already, what is left out, what is to do. */
  surveyed(survey: Survey): void {
    this.ignored = survey.ignored;
    this.pending = survey.pending;
    this.skipped = survey.done.size;
  }

  /** One more input to do (--watch). */
  added(): void {
    this.pending += 1;
  }

  /** An input a dry run planned: not to do any more. */
  planned(): void {
    this.pending -= 1;
  }

  /** A request was sent. */
  sent(): void {
    this.requests += 1;
  }

  /** A request was answered 429. */
  limited(): void {
    this.rateLimited += 1;
  }

  /** Where 429s without Retry-After left the rate, once sending is over. */
  rateSettled(settled: SettledRate | undefined): void {
    this.settledRate = settled;
  }

  /** An input's result; a skipped one was counted by the survey. */
  result(event: ResultEvent): void {
    if (event.compliance) this.verdicts?.set(event.output, event.compliance);
    if (event.maybeBilled) {
      this.maybeBilled.requests += event.maybeBilled;
      this.maybeBilled.inputs += 1;
    }
    if (event.status === 'ok') {
      this.ok += 1;
      this.pending -= 1;
      // An input that failed and then succeeded (--watch, once it was whole) is no failure.
      this.failures.delete(event.input);
      const unsupported = event.headers?.['pr-unsupported-attributes'];
      if (isMeaningfulHeader(unsupported))
        this.unsupported.set(unsupported, (this.unsupported.get(unsupported) ?? 0) + 1);
    } else if (event.status === 'failed') {
      this.pending -= 1;
      this.failures.set(event.input, { input: event.input, error: event.error ?? '' });
    }
  }

  summary(stopped: StopEvent | null, ms: number): SummaryEvent {
    return {
      type: 'summary',
      ok: this.ok,
      skipped: this.skipped,
      failed: this.failures.size,
      notProcessed: this.pending,
      ignored: { ...this.ignored },
      failures: [...this.failures.values()],
      unsupportedAttributes: [...this.unsupported].map(([value, count]) => ({ value, count })),
      ...(stopped && { stopped: stopped.reason, stopMessage: stopped.message }),
      requests: this.requests,
      maybeBilled: { ...this.maybeBilled },
      rateLimited: this.rateLimited,
      ...(this.settledRate && { settledRate: { ...this.settledRate } }),
      ...(this.preset !== undefined && this.verdicts && { compliance: complianceSummary(this.preset, this.verdicts) }),
      ms,
    };
  }
}

/** The outputs' verdicts counted: refused (a rule failed), not measured (no rule could be judged), by rule. */
function complianceSummary(preset: string, verdicts: ReadonlyMap<string, Compliance>): ComplianceSummary {
  const byRule = new RuleCounts();
  let refused = 0;
  let unmeasured = 0;
  for (const verdict of verdicts.values()) {
    if (verdict.error !== undefined) unmeasured += 1;
    else if (!verdict.pass) refused += 1;
    byRule.add(verdict.failures);
  }
  return { preset, checked: verdicts.size, refused, unmeasured, byRule: byRule.toRecord() };
}
