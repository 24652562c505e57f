/**
 * `photoroom check`'s run: every image named is measured on disk (measure.ts), a few at once,
 * and judged against the preset (judge.ts). Results are told in the order the inputs were
 * named, whatever order they finish in; nothing image-sized outlives its measurement, and
 * the rasters in use at once share one `PixelBudget`, so memory stays flat over any number
 * of images and of cores.
 */
import { noneIgnored, type IgnoreReason, type ResolvedInputs } from '../inputs/discover.js';
import { displayPath } from '../paths.js';
import { CHECK_NAMES, type CheckName, type Preset } from '../presets/types.js';
import { PIXEL_BUDGET_BYTES, PixelBudget } from './budget.js';
import { RuleCounts } from './rule-counts.js';
import { judge, type Measured, type Verdict } from './judge.js';
import { measureImage, type Measurement, type MeasureOptions } from './measure.js';

export { PIXEL_BUDGET_BYTES } from './budget.js';

export type CheckEvent =
  | { type: 'start'; preset: string; total: number; ignored: Record<IgnoreReason, number> }
  /** An image measured and judged. */
  | { type: 'checked'; input: string; path: string; verdict: Verdict; measured: Measured }
  /** An input that could not be judged: not readable, not an image, or not on disk. */
  | { type: 'unreadable'; input: string; reason: string }
  /** A file left out, as the user would name it. */
  | { type: 'ignored'; input: string; reason: IgnoreReason }
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
  /** Files left out while discovering, by reason. */
  ignored: Record<IgnoreReason, number>;
  /** How many images failed each rule, in the checks' order. */
  byRule: Partial<Record<CheckName, number>>;
  /** Images that missed one of the preset's recommendations, and how many missed each. */
  advised: number;
  adviceByRule: Partial<Record<CheckName, number>>;
  /** The preset's checks no image on disk can answer (text). */
  unjudged: CheckName[];
  durationMs: number;
  interrupted: boolean;
}

export interface CheckOptions {
  inputs: ResolvedInputs;
  /** Files are shown relative to it. */
  cwd: string;
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

const NOT_ON_DISK = 'a URL: check reads images on disk (check the outputs of photoroom edit instead)';

/** What the user named, walked once: the files to measure, and what was left out, told as found and counted. */
async function targetsOf(options: CheckOptions): Promise<{ targets: Target[]; ignored: Record<IgnoreReason, number> }> {
  const targets: Target[] = [];
  const ignored = noneIgnored();
  for await (const item of options.inputs.items()) {
    if (item.kind === 'file') targets.push({ input: item.display, path: item.path });
    // Objects never come here (check's discovery has no storage: it refuses them), URLs do.
    else if (item.kind === 'url' || item.kind === 'object') targets.push({ input: item.display });
    else if (item.kind === 'ignored') {
      ignored[item.reason] += 1;
      options.onEvent({ type: 'ignored', input: displayPath(options.cwd, item.path), reason: item.reason });
    } else options.onEvent({ type: 'warning', message: item.message });
  }
  return { targets, ignored };
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
  readonly byRule = new RuleCounts();
  advised = 0;
  readonly adviceByRule = new RuleCounts();
  readonly unjudged = new Set<CheckName>();

  add(event: CheckEvent): void {
    if (event.type === 'unreadable') this.unreadable += 1;
    if (event.type !== 'checked') return;
    // Its pixels not measured: no rule judged, neither a pass nor a refusal, an image not read whole.
    if (event.verdict.unmeasured !== undefined) {
      this.unreadable += 1;
      return;
    }
    for (const name of event.verdict.unjudged) this.unjudged.add(name);
    if (event.verdict.advice.length > 0) this.advised += 1;
    this.adviceByRule.add(event.verdict.advice);
    if (event.verdict.pass) {
      this.passed += 1;
      return;
    }
    this.refused += 1;
    this.byRule.add(event.verdict.failures);
  }
}

export async function runCheck(options: CheckOptions): Promise<CheckSummary> {
  const started = options.now();
  const { targets, ignored } = await targetsOf(options);
  // A gate that checked nothing must not look like one that passed everything.
  if (targets.length === 0) options.onEvent({ type: 'warning', message: 'no images to check in what was named' });
  options.onEvent({ type: 'start', preset: options.preset.name, total: targets.length, ignored: { ...ignored } });

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
    ignored,
    byRule: tally.byRule.toRecord(),
    advised: tally.advised,
    adviceByRule: tally.adviceByRule.toRecord(),
    unjudged: CHECK_NAMES.filter((name) => tally.unjudged.has(name)),
    durationMs: Math.round(options.now() - started),
    interrupted: options.signal?.aborted === true,
  };
  options.onEvent({ type: 'summary', ...summary });
  return summary;
}
