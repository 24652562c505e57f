/** The human wording of batch events, one event at a time; the reporters decide which to show. */
import type { BatchEvent, IgnoreReason, PlanEvent, RateEvent, StartEvent, SummaryEvent } from '../../batch/events.js';
import { escapeControls, escapeStrings } from '../terminal.js';
import type { Style } from './style.js';
import { count, label } from './words.js';
import { adviceLines, refusalLines } from './verdicts.js';

export { count, label } from './words.js';

/** `850 ms`, `1.2 s`, `3 min 05 s`, `1 h 02 min`. */
export function formatDuration(ms: number): string {
  const clamped = Math.max(0, ms);
  if (Math.round(clamped) < 1000) return `${Math.round(clamped)} ms`;
  const tenths = Math.round(clamped / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
  const seconds = Math.round(clamped / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${pad2(seconds % 60)} s`;
  const minutes = Math.round(clamped / 60_000);
  return `${Math.floor(minutes / 60)} h ${pad2(minutes % 60)} min`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Why a file was left out, in a few words. */
export const IGNORED_REASON: Readonly<Record<IgnoreReason, string>> = {
  'not-an-image': 'not an image',
  hidden: 'hidden',
  'output-folder': 'in the output folder',
  'earlier-output': 'a result of an earlier run',
  excluded: 'excluded by --include/--exclude',
  'not-a-file': 'not a regular file (a named pipe, a device or a socket)',
  'same-file': 'the same file as an input met before (a symbolic link, or a path given twice)',
};

const ignoredWording: [IgnoreReason, (n: number) => string][] = [
  ['not-an-image', (n) => (n === 1 ? '1 not an image' : `${n} not images`)],
  ['hidden', (n) => count(n, 'hidden file')],
  ['output-folder', (n) => `${n} in the output folder`],
  ['earlier-output', (n) => (n === 1 ? '1 result of an earlier run' : `${n} results of earlier runs`)],
  ['excluded', (n) => `${n} excluded`],
  ['not-a-file', (n) => (n === 1 ? '1 not a regular file' : `${n} not regular files`)],
  ['same-file', (n) => (n === 1 ? '1 second path to an input' : `${n} second paths to inputs`)],
];

/** `ignored: 2 not images, 1 hidden file`, or '' when nothing was left out. */
export function ignoredCounts(ignored: Readonly<Record<IgnoreReason, number>>): string {
  const parts = ignoredWording
    .filter(([reason]) => ignored[reason] > 0)
    .map(([reason, words]) => words(ignored[reason]));
  return parts.length > 0 ? `ignored: ${parts.join(', ')}` : '';
}

function startLine(event: StartEvent): string {
  const details: string[] = [];
  if (event.dryRun) details.push('dry run: nothing is sent');
  if (event.skipped > 0) details.push(`${event.skipped} already done, skipped`);
  const ignored = ignoredCounts(event.ignored);
  if (ignored) details.push(ignored);
  const head = `${event.dryRun ? 'planning' : 'processing'} ${count(event.total, 'image')}`;
  return details.length > 0 ? `${head} (${details.join('; ')})` : head;
}

/** A change of the rate the run holds itself to, after 429s without Retry-After. */
const RATE_WORDING: Readonly<Record<RateEvent['cause'], (perMinute: number) => string>> = {
  limited: (perMinute) => `limited by the service (429 without Retry-After): holding ~${perMinute}/min`,
  lowered: (perMinute) => `lowered to ~${perMinute}/min`,
  raised: (perMinute) => `raised to ~${perMinute}/min`,
};

/**
 * A planned request as shell lines: a comment naming the input and output (escaped: a line
 * break in a file name would end the comment and run the rest as a command), then its curl
 * command, which quotes every name for the shell without an unsafe character (batch/curl.ts).
 */
export function planLines(event: PlanEvent): string[] {
  return [`# ${escapeControls(`${event.input} → ${event.output}`)}`, event.curl];
}

/**
 * An event as lines on stderr; a dry run's plan goes to stdout by planLines instead. Every
 * text the event carries (names, a server's messages) is escaped first (cli/terminal.ts).
 */
export function formatEvent(unescapedEvent: Exclude<BatchEvent, SummaryEvent | PlanEvent>, style: Style): string[] {
  return [...eventLines(unescapedEvent, style), ...complianceLines(unescapedEvent, style)];
}

/** `edit --preset`: a line per rule an output fails and per recommendation it misses, made now or by an earlier run. */
export function complianceLines(event: Exclude<BatchEvent, SummaryEvent | PlanEvent>, style: Style): string[] {
  if (event.type !== 'result' || !event.compliance) return [];
  const { compliance } = event;
  return [
    ...(compliance.pass ? [] : refusalLines(event.output, compliance, style)),
    ...adviceLines(event.output, compliance.advice ?? [], style),
  ];
}

function eventLines(unescapedEvent: Exclude<BatchEvent, SummaryEvent | PlanEvent>, style: Style): string[] {
  const event = escapeStrings(unescapedEvent);
  switch (event.type) {
    case 'start':
      return [startLine(event)];
    case 'result':
      if (event.status === 'ok') {
        return [
          `${label('ok', style.green)}${event.input} → ${event.output} ${style.dim(`(${formatDuration(event.ms)})`)}`,
        ];
      }
      if (event.status === 'skipped')
        return [`${label('skipped', style.dim)}${event.input} ${style.dim('(already done)')}`];
      if (event.status === 'not-processed') {
        return [
          `${label('stopped', style.yellow)}${event.input}: not processed, the run stopped` +
            style.dim(` (last: ${event.error ?? 'none'})`),
        ];
      }
      return [
        `${label('failed', style.red)}${event.input}: ${event.error ?? 'failed'}` +
          (event.attempts > 0 ? style.dim(` (after ${count(event.attempts, 'attempt')})`) : ''),
      ];
    case 'retry':
      return [
        `${label('retry', style.yellow)}${event.input}: ${event.error} ` +
          style.dim(`(attempt ${event.attempt}, waiting ${formatDuration(event.delayMs)})`),
      ];
    case 'ignored':
      return [`${label('ignored', style.dim)}${event.input} ${style.dim(`(${IGNORED_REASON[event.reason]})`)}`];
    case 'watching':
      return [`${label('watching', style.dim)}${event.folders.join(', ')} for new or changed images (Ctrl-C ends)`];
    case 'warning':
      // The message names its input already.
      return [`${style.yellow('warning:')} ${event.message}`];
    case 'note':
      return [`${style.dim('note:')} ${event.message}`];
    case 'rate':
      return [`${label('rate', style.yellow)}${RATE_WORDING[event.cause](event.perMinute)}`];
    case 'stop':
      return [`${style.yellow('stopping:')} ${event.message}`];
  }
}
