/**
 * The job summary (GITHUB_STEP_SUMMARY) of one run, in Markdown: the counts, credits used,
 * what the exit code means, the stop, failed inputs and outputs a marketplace would refuse,
 * with their reasons. Every text from outside goes through markdownText.
 */
import { EXIT } from '../errors.js';
import { describeCheck } from '../presets/describe.js';
import { PRESETS } from '../presets/table.js';
import type { CheckName } from '../presets/types.js';
import { STOP_WORDING } from '../cli/reporters/summary.js';
import { count } from '../cli/reporters/words.js';
import { markdownTable, markdownText } from './markdown.js';
import type { SettledRate } from '../batch/events.js';
import type { Listed, RunOutcome } from './outcome.js';

type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The README's table of exit codes, in a line each. */
export const EXIT_MEANINGS: Readonly<Record<ExitCode, string>> = {
  0: 'success',
  1: 'some inputs failed or could not be read, or the run stopped early',
  2: 'usage or start-up error: nothing was sent',
  3: 'the API refused the run: no credits left (402), the key refused (403), or too few credits for the batch',
  4: 'cancelled at the confirmation prompt: nothing was sent',
  5: 'the marketplace would refuse some images; everything else succeeded',
  130: 'interrupted: no new work was started',
};

export function exitMeaning(code: number): string {
  return (EXIT_MEANINGS as Readonly<Record<number, string>>)[code] ?? 'the run ended unexpectedly';
}

export interface SummaryInput {
  outcome: RunOutcome;
  exitCode: number;
  /** What the CLI said on stderr, for a run that ended before its summary line (a usage error, say). */
  messages: readonly string[];
}

export function summaryMarkdown({ outcome, exitCode, messages }: SummaryInput): string {
  const blocks: string[][] = [[`## ${headline(outcome)}`]];
  if (outcome.summarized) blocks.push(countsTable(outcome));
  blocks.push([`**Exit code ${exitCode}**: ${exitMeaning(exitCode)}.`]);
  if (!outcome.summarized && messages.length > 0)
    blocks.push(['photoroom said:', '', ...messages.map((message) => `> ${markdownText(message)}<br>`)]);
  if (outcome.stop) blocks.push([stopLine(outcome)]);
  if (outcome.settledRate) blocks.push([settledRateLine(outcome.settledRate)]);
  if (outcome.failed > 0) blocks.push(failuresBlock(outcome));
  if (outcome.preset && outcome.preset.checked + outcome.preset.unmeasured > 0) blocks.push(presetBlock(outcome));
  if (outcome.warnings.length > 0)
    blocks.push(['### Warnings', '', ...outcome.warnings.map((warning) => `- ${markdownText(warning)}`)]);
  return `${blocks.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

function headline(outcome: RunOutcome): string {
  const run = `photoroom ${outcome.command}`;
  if (!outcome.summarized) return `${run} did not finish its batch`;
  if (outcome.planned > 0) return `${run}: dry run, ${count(outcome.planned, 'request')} planned, nothing sent`;
  if (outcome.command === 'check')
    return `${run} against ${markdownText(outcome.preset?.name ?? '')}: ${outcome.ok} pass, ${outcome.preset?.refused ?? 0} would be refused, ${outcome.failed} could not be read`;
  return `${run}: ${outcome.ok} ok, ${outcome.skipped} skipped, ${outcome.failed} failed`;
}

function countsTable(outcome: RunOutcome): string[] {
  const columns: [string, number][] =
    outcome.command === 'check'
      ? [
          ['pass', outcome.ok],
          ['would be refused', outcome.preset?.refused ?? 0],
          ['could not be read', outcome.failed],
          ['not checked', outcome.notProcessed],
        ]
      : [
          ['ok', outcome.ok],
          ['skipped (done before)', outcome.skipped],
          ['failed', outcome.failed],
          ['not processed', outcome.notProcessed],
          ['credits used', outcome.credits],
        ];
  const names = columns.map(([name]) => name);
  return markdownTable(names, [columns.map(([, value]) => String(value))], names);
}

function stopLine(outcome: RunOutcome): string {
  const { reason, message } = outcome.stop!;
  const { what, then } = STOP_WORDING[reason];
  const left = outcome.notProcessed > 0 ? `; ${count(outcome.notProcessed, 'input')} not processed: ${then}` : '';
  return `**Stopped**: ${markdownText(message ?? what)}${left}.`;
}

/** The rate 429s without Retry-After left the run at, and the `--rate` that starts there next time. */
function settledRateLine({ perMinute, suggestedRate }: SettledRate): string {
  const shards = suggestedRate === perMinute ? '' : ` (~${suggestedRate}/min for all its shards)`;
  return (
    `**Rate-limited**: the service answered 429 without Retry-After; the run settled at ~${perMinute}/min${shards}. ` +
    `Next time, \`--rate ${suggestedRate}\` in \`args\` avoids the probing.`
  );
}

/** Names and reasons as a table, then how many more there were. */
function listedTable(head: [string, string], listed: readonly Listed[], total: number): string[] {
  const rows = listed.map(({ name, reasons }) => [markdownText(name), reasons.map(markdownText).join('<br>')]);
  const more = total - listed.length;
  return [
    ...markdownTable(head, rows),
    ...(more > 0 ? ['', `and ${more} more: the \`events\` output names a file with every one.`] : []),
  ];
}

function failuresBlock(outcome: RunOutcome): string[] {
  const heading = outcome.command === 'check' ? 'Images that could not be read' : 'Failed inputs';
  return [
    `### ${heading} (${outcome.failed})`,
    '',
    ...listedTable(['input', 'reason'], outcome.failures, outcome.failed),
  ];
}

function presetBlock(outcome: RunOutcome): string[] {
  const { name, checked, refused, unmeasured, byRule } = outcome.preset!;
  const things = outcome.command === 'check' ? 'images' : 'outputs';
  const preset = markdownText(name);
  if (refused + unmeasured === 0) return [`All ${checked} ${things} pass ${preset}'s checks.`];
  const rules = Object.entries(byRule).map(([rule, failed]) => [ruleWording(name, rule as CheckName), String(failed)]);
  return [
    `### ${things[0]!.toUpperCase()}${things.slice(1)} ${preset} would refuse: ${refused} of ${checked}`,
    '',
    ...(unmeasured > 0 ? [`${count(unmeasured, 'output')} could not be measured: no rule judged.`, ''] : []),
    ...(rules.length > 0 ? [...markdownTable(['rule', things], rules, [things]), ''] : []),
    ...listedTable([things.slice(0, -1), 'why'], outcome.refusals, refused + unmeasured),
  ];
}

/** A built-in preset's rule in words; a rule of a preset from a config file by its name. */
function ruleWording(presetName: string, rule: CheckName): string {
  const check = PRESETS.find((preset) => preset.name === presetName)?.checks[rule];
  return markdownText(check ? describeCheck(rule, check.figure, check.advisory) : rule);
}
