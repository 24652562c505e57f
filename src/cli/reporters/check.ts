/**
 * How `photoroom check` shows its run: NDJSON on stdout (--json), a progress bar on a
 * terminal, or plain lines (one per image that fails, and with neither --quiet nor a bar, one
 * per image that passes), and a summary counting the images that fail each rule.
 */
import type { CheckEvent, CheckSummary } from '../../check/run.js';
import type { Measured, Verdict } from '../../check/judge.js';
import { EXIT } from '../../errors.js';
import type { Preset } from '../../presets/types.js';
import { printLines } from '../io.js';
import { escapeControls, escapeStrings, jsonLine } from '../terminal.js';
import { count, formatDuration, IGNORED_REASON, ignoredCounts, label } from './format.js';
import { createStyle, type Style } from './style.js';
import type { ReporterOptions } from './types.js';
import { adviceLines, refusalLines, ruleCountLines } from './verdicts.js';

/** 0 every image passed, 5 some would be refused, 1 some could not be read, 130 interrupted. */
export function checkExitCode(summary: Pick<CheckSummary, 'interrupted' | 'unreadable' | 'refused'>): number {
  if (summary.interrupted) return EXIT.interrupted;
  if (summary.unreadable > 0) return EXIT.someInputsFailed;
  return summary.refused > 0 ? EXIT.wouldBeRefused : EXIT.ok;
}

type ShownEvent = Exclude<CheckEvent, { type: 'summary' }>;

/** An event in words; every name and reason escaped. */
export function checkEventLines(unescaped: ShownEvent, style: Style): string[] {
  if (unescaped.type !== 'checked') return otherEventLines(unescaped, style);
  if (unescaped.verdict.unmeasured !== undefined)
    return [`${label('failed', style.red)}${escapeControls(`${unescaped.input}: ${notMeasured(unescaped.verdict)}`)}`];
  // refusalLines and adviceLines escape what they are given.
  const advice = adviceLines(unescaped.input, unescaped.verdict.advice, style);
  if (!unescaped.verdict.pass) return [...refusalLines(unescaped.input, unescaped.verdict, style), ...advice];
  return [`${label('pass', style.green)}${escapeControls(unescaped.input)}`, ...advice];
}

function otherEventLines(unescaped: Exclude<ShownEvent, { type: 'checked' }>, style: Style): string[] {
  const event = escapeStrings(unescaped);
  switch (event.type) {
    case 'start': {
      const ignored = ignoredCounts(event.ignored);
      return [`checking ${count(event.total, 'image')} against ${event.preset}${ignored ? ` (${ignored})` : ''}`];
    }
    case 'unreadable':
      return [`${label('failed', style.red)}${event.input}: ${event.reason}`];
    case 'ignored':
      return [`${label('ignored', style.dim)}${event.input} ${style.dim(`(${IGNORED_REASON[event.reason]})`)}`];
    case 'warning':
      return [`${style.yellow('warning:')} ${event.message}`];
  }
}

/** How an image counts: passed, refused, or not read whole. */
function statusOf(event: CheckEvent): 'passed' | 'refused' | 'unreadable' | null {
  if (event.type === 'unreadable') return 'unreadable';
  if (event.type !== 'checked') return null;
  if (event.verdict.unmeasured !== undefined) return 'unreadable';
  return event.verdict.pass ? 'passed' : 'refused';
}

/** `pixels not measured (why): no rule judged`. */
function notMeasured(verdict: Verdict): string {
  return `pixels not measured (${verdict.unmeasured}): no rule judged`;
}

/**
 * The summary in words: the counts, then each failed rule with how many images failed it.
 * `verbose`: the files left out were named as they were found.
 */
export function checkSummaryLines(summary: CheckSummary, preset: Preset, style: Style, verbose = false): string[] {
  const counts = [
    style.green(`${summary.passed} pass`),
    ...(summary.refused > 0 ? [style.red(`${summary.refused} would be refused`)] : []),
    ...(summary.unreadable > 0 ? [style.red(`${summary.unreadable} could not be read`)] : []),
    ...(summary.notChecked > 0 ? [style.yellow(`${summary.notChecked} not checked (interrupted)`)] : []),
  ];
  const checked = summary.total - summary.notChecked;
  const images =
    summary.notChecked > 0 ? `${checked} of ${count(summary.total, 'image')}` : count(summary.total, 'image');
  const ignored = ignoredCounts(summary.ignored);
  const lines = [
    `${escapeControls(preset.name)}: ${images} checked in ${formatDuration(summary.durationMs)}: ${counts.join(', ')}` +
      (ignored ? style.dim(` (${ignored}${verbose ? '' : '; --verbose names them'})`) : ''),
  ];
  lines.push(...ruleCountLines(summary.byRule, preset, 'image'));
  if (summary.advised > 0)
    lines.push(
      style.yellow(`  ${count(summary.advised, 'image')} missed a recommendation (not refused for it):`),
      ...ruleCountLines(summary.adviceByRule, preset, 'image', 'missed').map((line) => `  ${line}`),
    );
  if (summary.unjudged.includes('noText'))
    lines.push(
      style.dim(`  not judged on disk: ${preset.name} wants no text; only the API's answer tells (pr-texts-detected)`),
    );
  return lines;
}

/** An image's measurements as --json gives them, flat: `jq 'select(.measured.fill < 0.85)'`. */
function measuredRecord({ facts, pixels }: Measured): Record<string, unknown> {
  return { ...facts, ...('unmeasured' in pixels ? { unmeasured: pixels.unmeasured } : pixels) };
}

/** One line of --json per image, in the documented field order. */
function resultRecord(event: Extract<CheckEvent, { type: 'checked' | 'unreadable' }>, preset: string): object {
  if (event.type === 'unreadable')
    return { type: 'result', input: event.input, preset, status: 'unreadable', error: event.reason };
  const { verdict } = event;
  const unread = verdict.unmeasured !== undefined;
  return {
    type: 'result',
    input: event.input,
    preset,
    status: unread ? 'unreadable' : verdict.pass ? 'pass' : 'refused',
    failures: verdict.failures,
    advice: verdict.advice,
    ...(unread && { error: notMeasured(verdict) }),
    measured: measuredRecord(event.measured),
  };
}

export interface CheckReporter {
  onEvent(event: CheckEvent): void;
  close(): void;
}

export async function createCheckReporter(
  options: Omit<ReporterOptions, 'json'> & { json: boolean; preset: Preset },
): Promise<CheckReporter> {
  const style = createStyle(options.color);
  const { preset, stderr } = options;
  if (options.json) {
    return {
      onEvent(event) {
        if (event.type === 'summary') {
          const { type, ...summary } = event;
          options.stdout.write(jsonLine({ type, ...summary, exitCode: checkExitCode(summary) }));
        } else if (event.type === 'checked' || event.type === 'unreadable') {
          options.stdout.write(jsonLine(resultRecord(event, preset.name)));
        } else if (event.type === 'warning') {
          options.stdout.write(jsonLine(event));
          printLines(stderr, checkEventLines(event, style));
        } else if (options.verbose) {
          options.stdout.write(jsonLine(event));
        }
      },
      close() {},
    };
  }

  const shown = (event: ShownEvent): boolean => {
    switch (event.type) {
      case 'checked':
        return statusOf(event) !== 'passed' || !options.quiet;
      case 'unreadable':
      case 'warning':
        return true;
      case 'ignored':
        return options.verbose && !options.quiet;
      case 'start':
        return !options.quiet;
    }
  };
  const onBar = options.progress && stderr.isTTY === true && !options.quiet;
  const counts = { passed: 0, refused: 0, unreadable: 0 };
  const bar = onBar
    ? (await import('./progress.js')).createTerminalBar(options, () => [
        { text: `pass ${counts.passed}`, tone: 'green' },
        { text: `refused ${counts.refused}`, tone: counts.refused > 0 ? 'red' : 'dim' },
        { text: `failed ${counts.unreadable}`, tone: counts.unreadable > 0 ? 'red' : 'dim' },
      ])
    : undefined;
  const print = (lines: string[]) => (bar ? bar.print(lines) : printLines(stderr, lines));
  return {
    onEvent(event) {
      if (event.type === 'summary') {
        bar?.stop();
        printLines(stderr, checkSummaryLines(event, preset, style, options.verbose));
        return;
      }
      const status = statusOf(event);
      if (status) counts[status] += 1;
      // On a bar, the images that pass only move it.
      const advised = event.type === 'checked' && event.verdict.advice.length > 0;
      const logged = bar && status === 'passed' ? advised && !options.quiet : shown(event);
      if (logged) print(checkEventLines(event, style));
      if (event.type === 'start' && event.total > 0) bar?.start(event.total);
      else if (event.type === 'checked' || event.type === 'unreadable')
        bar?.update(counts.passed + counts.refused + counts.unreadable);
    },
    close: () => bar?.stop(),
  };
}
