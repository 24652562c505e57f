/**
 * `photoroom check`'s run: every image named is measured on disk (measure.ts), a few at once,
 * and judged against the preset (judge.ts). Results are told in the order the inputs were
 * named, whatever order they finish in; nothing image-sized outlives its measurement, and
 * the rasters in use at once share one `PixelBudget`, so memory stays flat over any number
 * of images and of cores.
 */
import type { IgnoreReason, ResolvedInputs } from '../inputs/discover.js';
import { CHECK_NAMES, type CheckName, type Preset } from '../presets/types.js';
import { PixelBudget } from './budget.js';
import { judge, type Measured, type Verdict } from './judge.js';
import { measureImage, type Measurement, type MeasureOptions } from './measure.js';

export type CheckEvent =
  | { type: 'start'; preset: string; total: number }
  /** An image measured and judged. */
  | { type: 'checked'; input: string; path: string; verdict: Verdict; measured: Measured }
  /** An input that could not be judged: not readable, not an image, or not on disk. */
  | { type: 'unreadable'; input: string; reason: string }
  | { type: 'ignored'; path: string; reason: IgnoreReason }
  | { type: 'warning'; message: string }
  | ({ type: 'summary' } & CheckSummary);

export interface CheckSummary {
  preset: string;
  total: number;
  passed: number;
  /** Images that would be refused: at least one rule failed. */
  refused: number;
  unreadable: number;
  /** Inputs never measured: the run was interrupted. */
  notChecked: number;
  /** How many images failed each rule, in the checks' order. */
  byRule: Partial<Record<CheckName, number>>;
  /** The preset's checks no image on disk can answer (text). */
  unjudged: CheckName[];
  durationMs: number;
  interrupted: boolean;
}

export interface CheckOptions {
  inputs: ResolvedInputs;
  preset: Preset;
  /** Images measured at once. */
  concurrency: number;
  onEvent(event: CheckEvent): void;
  /** Aborted: no new image is started; those being measured finish and are told. */
  signal?: AbortSignal;
  /** Milliseconds, for the summary's duration. */
  now(): number;
  /** Measures one image; measure.ts unless a test gives another. */
  measure?: (file: string, options: MeasureOptions) => Promise<Measurement>;
}

interface Target {
  input: string;
  /** Absent for an input that is not a file on disk. */
  path?: string;
}

/**
 * The decoded pixels in use at once, in bytes: two 12 MP images (36 MB each, 48 MB with
 * alpha). Beside Node, sharp and libvips (about 85 MB) and the rasters the garbage collector
 * has yet to free, it keeps a check over thousands of 12 MP photos under the 300 MB
 * on any number of cores; the pixel pass runs on one core anyway.
 */
export const PIXEL_BUDGET_BYTES = 96 * 1024 * 1024;

const NOT_ON_DISK = 'a URL: check reads images on disk (check the outputs of photoroom edit instead)';

/** What the user named, walked once: the files to measure, and what was left out, told as found. */
async function targetsOf(options: CheckOptions): Promise<Target[]> {
  const targets: Target[] = [];
  for await (const item of options.inputs.items()) {
    if (item.kind === 'file') targets.push({ input: item.display, path: item.path });
    else if (item.kind === 'url') targets.push({ input: item.display });
    else if (item.kind === 'ignored') options.onEvent({ type: 'ignored', path: item.path, reason: item.reason });
    else options.onEvent({ type: 'warning', message: item.message });
  }
  return targets;
}

async function checkOne(target: Target, options: CheckOptions, pixelBudget: PixelBudget): Promise<CheckEvent> {
  if (target.path === undefined) return { type: 'unreadable', input: target.input, reason: NOT_ON_DISK };
  const measure = options.measure ?? measureImage;
  const background = options.preset.checks.background?.figure.color;
  const measurement = await measure(target.path, { ...(background ? { background } : {}), pixelBudget });
  if (!measurement.ok) return { type: 'unreadable', input: target.input, reason: measurement.reason };
  const measured = { facts: measurement.facts, pixels: measurement.pixels };
  return {
    type: 'checked',
    input: target.input,
    path: target.path,
    verdict: judge(options.preset, measured),
    measured,
  };
}

/** Counts what was told, for the summary. */
class Tally {
  passed = 0;
  refused = 0;
  unreadable = 0;
  readonly byRule = new Map<CheckName, number>();
  readonly unjudged = new Set<CheckName>();

  add(event: CheckEvent): void {
    if (event.type === 'unreadable') this.unreadable += 1;
    if (event.type !== 'checked') return;
    for (const name of event.verdict.unjudged) this.unjudged.add(name);
    if (event.verdict.pass) {
      this.passed += 1;
      return;
    }
    this.refused += 1;
    for (const failure of event.verdict.failures)
      this.byRule.set(failure.check, (this.byRule.get(failure.check) ?? 0) + 1);
  }
}

export async function runCheck(options: CheckOptions): Promise<CheckSummary> {
  const started = options.now();
  const targets = await targetsOf(options);
  options.onEvent({ type: 'start', preset: options.preset.name, total: targets.length });

  const tally = new Tally();
  const pixelBudget = new PixelBudget(PIXEL_BUDGET_BYTES);
  // Results wait here until those named before them are told: at most a few small verdicts.
  const finished = new Map<number, CheckEvent>();
  let nextToTell = 0;
  let nextToStart = 0;
  const tell = (index: number, event: CheckEvent) => {
    finished.set(index, event);
    for (let ready = finished.get(nextToTell); ready; ready = finished.get(nextToTell)) {
      finished.delete(nextToTell);
      nextToTell += 1;
      tally.add(ready);
      options.onEvent(ready);
    }
  };
  const worker = async () => {
    for (let target = targets[nextToStart]; target && !options.signal?.aborted; target = targets[nextToStart]) {
      const index = nextToStart;
      nextToStart += 1;
      // A measurement that throws is a fault of this one image, never of the run.
      const event = await checkOne(target, options, pixelBudget).catch((error: unknown): CheckEvent => ({
        type: 'unreadable',
        input: target.input,
        reason: error instanceof Error ? error.message : String(error),
      }));
      tell(index, event);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));

  const summary: CheckSummary = {
    preset: options.preset.name,
    total: targets.length,
    passed: tally.passed,
    refused: tally.refused,
    unreadable: tally.unreadable,
    notChecked: targets.length - nextToTell,
    byRule: Object.fromEntries(
      CHECK_NAMES.flatMap((name) => (tally.byRule.has(name) ? [[name, tally.byRule.get(name)]] : [])),
    ),
    unjudged: CHECK_NAMES.filter((name) => tally.unjudged.has(name)),
    durationMs: Math.round(options.now() - started),
    interrupted: options.signal?.aborted === true,
  };
  options.onEvent({ type: 'summary', ...summary });
  return summary;
}
