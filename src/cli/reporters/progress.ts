/**
 * The progress bar on a terminal's stderr (cli-progress). Failures, warnings and, with
 * --verbose, retries and skipped inputs are logged above the bar while it runs; the summary
 * prints once the bar has stopped. A --dry-run has nothing to wait for: it prints as lines.
 */
import { MultiBar, type SingleBar } from 'cli-progress';
import type { BatchEvent, PlanEvent, SummaryEvent } from '../../batch/events.js';
import { printLines, unescaped } from '../io.js';
import { complianceLines, formatDuration, formatEvent } from './format.js';
import { createLinesReporter } from './lines.js';
import { createStyle, type Style } from './style.js';
import { summaryLines } from './summary.js';
import type { Reporter, ReporterOptions } from './types.js';

/** One count after the rate and ETA: its words and its colour. */
export interface BarTally {
  text: string;
  tone: keyof Style;
}

export interface BarState {
  done: number;
  total: number;
  /** `ok 40`, `skipped 35`, `failed 5`: what the command counts. */
  tallies: readonly BarTally[];
  elapsedMs: number;
  /** Terminal columns. */
  width: number;
}

/** A batch's counts on the bar. */
export function batchTallies(counts: { ok: number; skipped: number; failed: number }): BarTally[] {
  return [
    { text: `ok ${counts.ok}`, tone: 'green' },
    { text: `skipped ${counts.skipped}`, tone: 'dim' },
    { text: `failed ${counts.failed}`, tone: counts.failed > 0 ? 'red' : 'dim' },
  ];
}

const MAX_BAR = 30;
const MIN_BAR = 10;

/** ` 45/120 ██████░░░░ 1.8 img/s  ETA 42 s  ok 40  skipped 35  failed 5`, fitted to the width. */
export function barLine(state: BarState, style: Style): string {
  const counter = `${String(state.done).padStart(String(state.total).length)}/${state.total}`;
  const rate = state.elapsedMs > 0 ? state.done / (state.elapsedMs / 1000) : 0;
  const remainingMs = rate > 0 ? ((state.total - state.done) / rate) * 1000 : undefined;
  const eta =
    remainingMs === undefined
      ? '--'
      : remainingMs < 60_000
        ? `${Math.ceil(remainingMs / 1000)} s`
        : formatDuration(remainingMs);
  const stats = (paint: Style): string =>
    [`${rate.toFixed(1)} img/s`, `ETA ${eta}`, ...state.tallies.map(({ text, tone }) => paint[tone](text))].join('  ');
  // cli-progress cuts the line at the terminal width counting escape codes as characters, and a
  // line filling the last column would wrap: keep the raw length under the width, giving up
  // colour first, then the bar.
  const limit = state.width - 1;
  for (const paint of [style, createStyle(false)]) {
    const text = stats(paint);
    const barSize = Math.min(MAX_BAR, limit - counter.length - text.length - 2);
    if (barSize >= MIN_BAR) {
      const filled = state.total > 0 ? Math.round((state.done / state.total) * barSize) : barSize;
      return `${counter} ${'█'.repeat(filled)}${'░'.repeat(barSize - filled)} ${text}`;
    }
  }
  return `${counter} ${stats(createStyle(false))}`.slice(0, limit);
}

const SHOW_CURSOR = '\x1b[?25h';

/** A bar on the terminal with lines logged above it, for any command that counts images. */
export interface TerminalBar {
  /** Lines above the bar while it runs, plain lines before it starts and after it stops. */
  print(lines: string[]): void;
  start(total: number): void;
  /** Whether the bar is drawn: started and not yet stopped. */
  running(): boolean;
  update(done: number): void;
  stop(): void;
}

export function createTerminalBar(
  options: Pick<ReporterOptions, 'stderr' | 'color' | 'onExit'>,
  tallies: () => readonly BarTally[],
): TerminalBar {
  // The bar moves the cursor: it draws on the terminal as it is. The lines it logs are escaped by their callers.
  const terminal = unescaped(options.stderr);
  const style = createStyle(options.color);
  let multibar: MultiBar | undefined;
  let bar: SingleBar | undefined;
  let releaseExit = () => {};

  // A crash that skips stop() must not leave the terminal without its cursor.
  const restoreCursor = (): void => {
    terminal.write(SHOW_CURSOR);
  };

  return {
    print(lines) {
      if (lines.length === 0) return;
      if (multibar?.isActive) multibar.log(`${lines.join('\n')}\n`);
      else printLines(options.stderr, lines);
    },
    start(total) {
      multibar = new MultiBar({
        stream: terminal,
        hideCursor: true,
        // Leave the terminal's own wrapping on, so long log lines above the bar wrap instead of
        // being cut; the bar line is fitted to the width by barLine.
        linewrap: true,
        // After log lines the bar must be drawn again even when its text has not changed.
        forceRedraw: true,
        gracefulExit: false,
        format: (_options, params) =>
          barLine(
            {
              done: params.value,
              total: params.total,
              tallies: tallies(),
              elapsedMs: (params.stopTime ?? Date.now()) - params.startTime,
              width: params.maxWidth,
            },
            style,
          ),
      });
      bar = multibar.create(total, 0);
      releaseExit = options.onExit(restoreCursor);
    },
    running: () => multibar?.isActive === true,
    update(done) {
      bar?.update(done);
    },
    stop() {
      if (!multibar?.isActive) return;
      multibar.update(); // MultiBar.stop() drops lines still waiting in its log buffer
      multibar.stop();
      releaseExit();
    },
  };
}

export function createProgressReporter(
  options: Pick<ReporterOptions, 'stdout' | 'stderr' | 'verbose' | 'color' | 'onExit' | 'preset' | 'shard'>,
): Reporter {
  const { stderr, verbose } = options;
  let stopShown = false;
  const style = createStyle(options.color);
  const counts = { ok: 0, skipped: 0, failed: 0 };
  let resumed = 0;
  let dryRun: Reporter | undefined;
  // Resumed inputs may also come as skipped results; count each once.
  const bar = createTerminalBar(options, () => batchTallies({ ...counts, skipped: Math.max(resumed, counts.skipped) }));
  const print = (lines: string[]) => bar.print(lines);
  const stop = () => bar.stop();

  // A plan never comes here: a dry run is handed to the lines reporter from its start event.
  const onEvent = (event: Exclude<BatchEvent, SummaryEvent | PlanEvent>): void => {
    switch (event.type) {
      case 'start':
        resumed = event.skipped;
        print(formatEvent(event, style));
        if (event.total > 0) bar.start(event.total);
        return;
      case 'result':
        // Inputs the run stopped before finishing: the bar stays where it is, the summary counts them.
        if (event.status === 'not-processed') {
          if (verbose) print(formatEvent(event, style));
          return;
        }
        counts[event.status] += 1;
        if (event.status !== 'skipped') bar.update(counts.ok + counts.failed);
        if (event.status === 'failed' || (verbose && event.status === 'skipped')) print(formatEvent(event, style));
        else print(complianceLines(event, style));
        return;
      case 'retry':
      case 'ignored':
      case 'rate':
        if (verbose) print(formatEvent(event, style));
        return;
      case 'stop':
        // Before the bar started, the summary says it.
        stopShown = bar.running();
        if (stopShown) print(formatEvent(event, style));
        return;
      default:
        print(formatEvent(event, style));
    }
  };

  return {
    onEvent(event) {
      if (event.type === 'start' && event.dryRun) dryRun = createLinesReporter({ ...options, quiet: false });
      if (dryRun !== undefined) {
        dryRun.onEvent(event);
      } else if (event.type === 'summary') {
        stop();
        printLines(
          stderr,
          summaryLines(event, {
            style,
            problemsOnly: false,
            preset: options.preset,
            verbose,
            stopShown,
            shard: options.shard,
          }),
        );
      } else if (event.type !== 'plan') {
        onEvent(event);
      }
    },
    close: stop,
  };
}
