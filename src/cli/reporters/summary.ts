/** The human end-of-run summary on stderr. */
import type { ComplianceSummary, SettledRate, StopReason, SummaryEvent } from '../../batch/events.js';
import type { Shard } from '../../inputs/shard.js';
import type { Preset } from '../../presets/types.js';
import { RUN_LOG_NAME } from '../../store/runlog.js';
import { escapeStrings } from '../terminal.js';
import { count, formatDuration, ignoredCounts } from './format.js';
import type { Style } from './style.js';
import { ruleCountLines } from './verdicts.js';

export const MAX_LISTED_FAILURES = 20;

export interface SummaryOptions {
  style: Style;
  /**
   * Only what went wrong: failures, the stop reason and ignored parameters. For --json, where
   * the counts are on stdout but a person watching the job should still see the problems.
   */
  problemsOnly: boolean;
  /** Requests planned, for a --dry-run. */
  planned?: number;
  /** `edit --preset`: the preset, whose checks name the rules outputs failed. */
  preset?: Preset;
  /** --verbose: the files left out were named as they were found. */
  verbose?: boolean;
  /** The stop was shown as it happened (`stopping: ...`): the summary does not say it again. */
  stopShown?: boolean;
  /** --shard: which part of the inputs this run took. */
  shard?: Shard;
}

/** Each stop in words: what happened, and what to do next. */
export const STOP_WORDING: Readonly<Record<StopReason, { what: string; then: string }>> = {
  credits: { what: 'no credits left (402)', then: 'top up and rerun' },
  key: { what: 'the API key was refused (403)', then: 'fix the key and rerun' },
  unavailable: { what: 'the service kept failing', then: 'rerun when it is back' },
  disk: { what: 'the output disk refused a result', then: 'free the disk and rerun' },
  'output-closed': { what: 'standard output was closed', then: 'rerun to continue' },
  interrupted: { what: 'interrupted', then: 'rerun to continue' },
  cancelled: { what: 'cancelled', then: 'rerun to process them' },
  'folders-gone': { what: 'every watched folder was removed', then: 'rerun once it is back' },
  crashed: { what: 'an unexpected error', then: 'rerun to continue' },
};

/** The summary's lines; every text it carries (names, a server's messages) is escaped first (cli/terminal.ts). */
export function summaryLines(unescapedSummary: SummaryEvent, options: SummaryOptions): string[] {
  const summary = escapeStrings(unescapedSummary);
  const { style } = options;
  const lines: string[] = [];
  if (!options.problemsOnly) lines.push(headline(summary, options));
  // A dry run processes nothing: what it planned is not left out.
  const leftOut = summary.notProcessed - (options.planned ?? 0);

  if (summary.stopped !== undefined) {
    const { what, then } = STOP_WORDING[summary.stopped];
    const kept = summary.ok + summary.skipped > 0 ? ': finished work is kept' : '';
    const said = options.stopShown ? [] : [summary.stopMessage ?? what];
    // Nothing left (Ctrl-C ending --watch, say): there is nothing to rerun for.
    const left =
      summary.notProcessed > 0 ? [`${count(summary.notProcessed, 'input')} not processed — ${then}${kept}`] : [];
    if (said.length + left.length > 0) lines.push(style.yellow(`stopped: ${[...said, ...left].join('; ')}`));
  } else if (leftOut > 0 && !options.problemsOnly) {
    lines.push(`${count(leftOut, 'input')} left out by --max-images; rerun to process them`);
  }

  const failedCount = Math.max(summary.failed, summary.failures.length);
  if (failedCount > 0) {
    lines.push(style.red(`failed (${failedCount}):`));
    const listed = summary.failures.slice(0, MAX_LISTED_FAILURES);
    for (const failure of listed) lines.push(`  ${failure.input}: ${failure.error}`);
    if (failedCount > listed.length)
      lines.push(style.dim(`  and ${failedCount - listed.length} more; see ${RUN_LOG_NAME} in the output folder`));
  }

  if (summary.compliance) lines.push(...complianceSummaryLines(summary.compliance, options));

  const { maybeBilled } = summary;
  if (maybeBilled.requests > 0) {
    lines.push(
      style.yellow(
        `${count(maybeBilled.requests, 'request')} for ${count(maybeBilled.inputs, 'input')} may have been billed without a result (a 2xx answer came, but did not end as an ok output)`,
      ),
    );
  }

  if (summary.rateLimited > 0 && !options.problemsOnly) {
    // Not said to be retried: a run that stopped during the wait, or an input's last try, did not retry it.
    lines.push(style.dim(`${count(summary.rateLimited, 'request was', 'requests were')} rate-limited (429)`));
  }

  if (summary.settledRate && !options.problemsOnly) lines.push(settledRateLine(summary.settledRate, options));

  // Loud on purpose: the user asked for these and the images came back without them.
  for (const { value, count: images } of summary.unsupportedAttributes) {
    lines.push(
      style.yellow(
        style.bold(`WARNING: the API ignored parameters it does not support: ${value} (${count(images, 'image')})`),
      ),
    );
  }
  if (summary.unsupportedAttributes.length > 0) {
    lines.push(
      style.yellow('         those images were made without them; `photoroom params` lists what each endpoint accepts'),
    );
  }
  return lines;
}

/**
 * The rate 429s without Retry-After left the run at, and the `--rate` that starts there next
 * time: the whole key's, which --shard splits again.
 */
function settledRateLine({ perMinute, suggestedRate }: SettledRate, options: SummaryOptions): string {
  const shards = options.shard && options.shard.count > 1 ? options.shard.count : 0;
  const settled = shards
    ? `this shard settled at ~${perMinute}/min, ~${suggestedRate}/min for the ${shards} shards`
    : `settled at ~${perMinute}/min`;
  const next = shards ? `\`--rate ${suggestedRate}\` on each shard` : `\`--rate ${suggestedRate}\``;
  return options.style.yellow(`rate-limited: ${settled}; next time ${next} avoids the probing`);
}

/** `amazon: 2 of 12 outputs would be refused`, then a line per failed rule; or that all pass. */
function complianceSummaryLines(compliance: ComplianceSummary, options: SummaryOptions): string[] {
  const { style } = options;
  const { preset, checked, refused, unmeasured } = compliance;
  if (checked === 0) return [];
  const lines: string[] = [];
  if (refused === 0 && unmeasured === 0 && !options.problemsOnly)
    lines.push(
      style.green(`${preset}: ${checked === 1 ? 'the output passes' : `all ${checked} outputs pass`} its checks`),
    );
  if (refused > 0)
    lines.push(
      style.red(`${preset}: ${refused} of ${count(checked, 'output')} would be refused:`),
      ...ruleCountLines(compliance.byRule, options.preset, 'output'),
    );
  if (unmeasured > 0)
    lines.push(style.red(`${preset}: ${count(unmeasured, 'output')} could not be measured: no rule judged`));
  const text = options.preset?.checks.noText;
  if (text && !options.problemsOnly)
    lines.push(
      style.dim(
        `  not judged: ${preset} wants no text; no measurement tells (pr-texts-detected counts only text the API removed)`,
      ),
    );
  return lines;
}

function headline(summary: SummaryEvent, options: SummaryOptions): string {
  const { style } = options;
  const took = formatDuration(summary.ms);
  const shard = options.shard ? `shard ${options.shard.index} of ${options.shard.count} ` : '';
  if (options.planned !== undefined)
    return `dry run${shard && ` of ${shard.trimEnd()}`}: ${count(options.planned, 'request')} planned, nothing sent (${took})`;
  const counts = [
    style.green(`${summary.ok} ok`),
    style.dim(`${summary.skipped} skipped`),
    summary.failed > 0 ? style.red(`${summary.failed} failed`) : `${summary.failed} failed`,
  ];
  if (summary.notProcessed > 0) counts.push(style.yellow(`${summary.notProcessed} not processed`));
  const ignored = ignoredCounts(summary.ignored);
  const tail = ignored ? style.dim(` (${ignored}${options.verbose ? '' : '; --verbose names them'})`) : '';
  return `${shard}${summary.stopped === undefined ? 'done in' : 'stopped after'} ${took}: ${counts.join(', ')}${tail}`;
}
