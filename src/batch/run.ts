/**
 * The batch engine's orchestration: plan the inputs (planner.ts), guard the credits
 * (credits.ts), then send each input (sender.ts) and give inputs that failed on transient
 * faults further rounds at the end, and with --watch follow the folders (watch-feed.ts).
 * It stops starting new work when the API refuses the run, the service is down
 * (health.ts), the disk refuses results, or the caller aborts. It reports only through
 * events.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { runSettingDefaults } from '../config/defaults.js';
import { StartUpError } from '../errors.js';
import { resolveInputs, type ResolvedInputs } from '../inputs/discover.js';
import { IMAGE_EXTENSIONS, type UpscaleRequest } from '../inputs/formats.js';
import type { Watch } from '../inputs/watch.js';
import { earlierObjectCheck, earlierOutputCheck } from '../store/earlier-outputs.js';
import { UserError } from '../errors.js';
import { BucketResults } from '../store/bucket.js';
import { stateLayout, type StateLayout } from '../store/layout.js';
import { OutputFolder, realFolderPath } from '../store/outputs.js';
import { uploadRunLog } from '../store/runlog-object.js';
import type { Results } from '../store/results.js';
import { isObjectUri } from '../storage/location.js';
import { StorageOpener } from '../storage/opener.js';
import { ObjectStorage } from '../storage/storage.js';
import { Shown, type RunContext } from './context.js';
import { guardCredits } from './credits.js';
import { planEvent } from './dry-run.js';
import type { BatchEvent, ResultEvent, SummaryEvent } from './events.js';
import type { BatchOptions, BatchSettings } from './options.js';
import { checkNameTemplate } from './output-names.js';
import { Planner, type Survey } from './planner.js';
import { announceFixesOnce, prepareInput } from './prepare.js';
import { BatchRequest } from './request.js';
import { ROUNDS, Sender } from './sender.js';
import { RunStop, stopRequested } from './stops.js';
import { OutputChecks } from './output-checks.js';
import { Tallies } from './tallies.js';
import { REAL_TIMING } from './timing.js';
import { startWatch, WatchFeed } from './watch-feed.js';

export type { BatchTiming } from './timing.js';
export type { BatchOptions, BatchSettings } from './options.js';

export class BatchRun extends EventEmitter<{ event: [BatchEvent] }> {
  /** Resolves with the summary (also emitted as the last event); rejects with a UserError. */
  readonly done: Promise<SummaryEvent>;

  constructor(start: (emit: (event: BatchEvent) => void) => Promise<SummaryEvent>) {
    super();
    // Started on the next tick, so that listeners attached right after runBatch() see everything.
    this.done = new Promise((resolve) => setImmediate(resolve)).then(() => start((event) => this.emit('event', event)));
  }
}

export function runBatch(options: BatchOptions): BatchRun {
  return new BatchRun((emit) => runFrom(options, emit));
}

/** Resolves the folders and inputs, then runs the passes (with a watch started first, when asked). */
async function runFrom(options: BatchOptions, emit: (event: BatchEvent) => void): Promise<SummaryEvent> {
  const timing = options.timing ?? REAL_TIMING;
  const started = timing.now();
  const startedAt = new Date(timing.wallClock()).toISOString();
  const settings: BatchSettings = { ...runSettingDefaults(), ...options.settings };
  if (settings.name) checkNameTemplate(settings.name);
  const request = await BatchRequest.of(options.endpoint, options.params, options.client.urls.edit, options.cwd);
  const storage = new StorageOpener(
    options.storage ?? (() => ObjectStorage.open({ env: {}, redactor: options.client.redactor })),
  );
  const { layout, results, outputFile } = await resultPlaces(options, storage);
  const onFixed = announceFixesOnce(emit);
  const run: RunContext = {
    options,
    settings,
    timing,
    emit,
    stop: new RunStop(emit),
    tallies: new Tallies(options.preset?.name),
    request,
    layout,
    startedAt,
    shown: new Shown(options),
    outputChecks: options.preset ? new OutputChecks(options.preset) : null,
    results,
    storage,
    prepare: (job, checkOnly = false) =>
      prepareInput(job, {
        endpoint: options.endpoint,
        upscale: upscaleOf(options.params),
        convert: settings.convert,
        fitInputs: settings.fitInputs,
        checkOnly,
        tmpdir: options.host.tmpdir,
        storage: () => run.storage.get(),
        onFixed,
      }),
  };
  try {
    return await runResolved(run, outputFile, started);
  } finally {
    await run.storage.close();
  }
}

/** The upscale the parameters ask for: its mode, and what it lets the API do with an oversized input. */
function upscaleOf(params: BatchOptions['params']): UpscaleRequest | undefined {
  const mode = params.get('upscale.mode');
  const downscaleIfNeeded = params.get('upscale.downscaleIfNeeded');
  return mode && { mode, ...(downscaleIfNeeded && { downscaleIfNeeded }) };
}

/**
 * Where results and their records go. A bucket prefix (`s3://bucket/prefix`, never given to
 * path functions, which would collapse its `//`): outputs and sidecars are objects, the run
 * log stays on this machine in `stateDir`. Else the output folder, compared and written as
 * real paths (a link to an input folder is that input folder); relative folders are the
 * run's working folder's, not the process's.
 */
async function resultPlaces(
  options: BatchOptions,
  storage: StorageOpener,
): Promise<{ layout: StateLayout; results: Results; outputFile?: string }> {
  if (isObjectUri(options.outDir)) {
    if (!options.stateDir)
      throw new UserError(`${options.outDir}: a bucket output keeps its run log in a local folder: give stateDir`);
    const outDir = options.outDir.replace(/\/+$/, '');
    const runLogDir = await realFolderPath(path.resolve(options.cwd, options.stateDir));
    return {
      layout: stateLayout(outDir, outDir, runLogDir),
      results: new BucketResults(outDir, () => storage.get(), options.host),
    };
  }
  const outDir = await realFolderPath(
    path.resolve(options.cwd, options.outputFile ? path.dirname(options.outputFile) : options.outDir),
  );
  const outputFile = options.outputFile && path.join(outDir, path.basename(options.outputFile));
  const layout = stateLayout(
    outDir,
    options.stateDir && (await realFolderPath(path.resolve(options.cwd, options.stateDir))),
  );
  return { layout, results: new OutputFolder(outDir, options.host), ...(outputFile && { outputFile }) };
}

/** The inputs resolved and the passes run; `started`: when the run began, for the summary's duration. */
async function runResolved(run: RunContext, outputFile: string | undefined, started: number): Promise<SummaryEvent> {
  const { options, settings, layout, emit, timing } = run;
  const inputs = await resolveInputs({
    inputs: options.inputs,
    stdin: options.stdin,
    cwd: options.cwd,
    fromFile: settings.fromFile,
    column: settings.column,
    nulSeparated: settings.null,
    include: settings.include,
    exclude: settings.exclude,
    // A bucket output's prefix is never listed as input (its run log folder is local).
    skipFolders: [layout.outDir, run.results.local ? layout.stateDir : path.dirname(layout.runLogPath)],
    isEarlierOutput: earlierOutputCheck(layout),
    ...(!run.results.local && { isEarlierObject: earlierObjectCheck(layout, run.results) }),
    extensions: IMAGE_EXTENSIONS,
    storage: () => run.storage.get(),
  });
  if (settings.watch && inputs.namesObjects())
    throw new StartUpError(
      '--watch follows folders on this machine, not object storage: run without --watch (a rerun sends only what is new)',
    );
  const watch = settings.watch ? await startWatch(run, inputs) : null;
  try {
    await runPasses(run, inputs, outputFile, watch);
    // Said before the watch is closed: a watcher that is slow to close cannot hold it back.
    const summary = run.tallies.summary(run.stop.event, Math.round(timing.now() - started));
    emit(summary);
    return summary;
  } finally {
    await watch?.close();
  }
}

/** The first pass over the inputs, the later rounds, and the watch when there is one. */
async function runPasses(
  run: RunContext,
  inputs: ResolvedInputs,
  outputFile: string | undefined,
  watch: Watch | null,
): Promise<void> {
  const { options, settings, emit, stop, request } = run;
  const inputWarnings = new Set<string>();
  const planner = new Planner(inputs, {
    ...options,
    nameTemplate: settings.name,
    overwrite: settings.overwrite,
    shard: settings.shard,
    layout: run.layout,
    results: run.results,
    outputFile,
    rememberNames: watch !== null,
    signature: (job) => request.signature(job),
    refusal: (job) => request.refusal(job),
    notify: (event) => {
      if (event.type === 'warning') inputWarnings.add(event.message);
      emit(event);
    },
  });
  const survey = await planner.survey();
  run.tallies.surveyed(survey);
  const total = Math.min(survey.pending, settings.maxImages ?? Infinity);
  const { signal } = options;
  signal?.addEventListener('abort', () => stop.stop(stopRequested(signal)), { once: true });
  if (signal?.aborted) stop.stop(stopRequested(signal));

  if (!settings.dryRun && total > 0 && !stop.event) {
    const refusal = await guardCredits({
      client: options.client,
      settings,
      confirm: options.confirm,
      count: total,
      timing: run.timing,
      signal: stop.signal,
    });
    if (refusal) stop.stop(refusal);
  }
  if (stop.event) return;
  emit({ type: 'start', total, skipped: survey.done.size, ignored: { ...survey.ignored }, dryRun: settings.dryRun });
  if (settings.dryRun) return dryRun(run, planner, survey, total);
  // No image at all (an empty folder, a glob that matched none): said, and no output folder
  // or run log is left behind for a run that had nothing to do. --watch waits for images.
  if (survey.pending === 0 && survey.done.size === 0 && !watch) {
    const where = settings.shard ? `for shard ${settings.shard.index}/${settings.shard.count}` : 'in the inputs given';
    emit({ type: 'warning', message: `no images found ${where}: nothing to send` });
    return;
  }

  const sender = await Sender.open(run, survey.shareOfInputs);
  try {
    await sender.feed(
      planner.toSend(survey, total, (job) => sender.reportSkipped(job)),
      (job) => sender.send(job),
    );
    await laterRounds(run, sender);
    if (watch && !stop.event) await new WatchFeed(run, sender, inputs, planner, inputWarnings).follow(watch);
    await sender.recordUnsettled();
    run.tallies.rateSettled(sender.settledRate);
  } finally {
    await sender.close();
    if (!run.results.local) await shareRunLog(run, sender.runLogStart);
  }
  if (sender.runLogFailure)
    emit({ type: 'warning', message: `the run log is incomplete: ${sender.runLogFailure.message}` });
}

/** A bucket output's run log: this run's lines, uploaded once it ends. A failure is a warning: no result is lost. */
async function shareRunLog(run: RunContext, start: number): Promise<void> {
  const { layout, startedAt, settings, options } = run;
  try {
    await uploadRunLog(await run.storage.get(), layout.runLogPath, start, {
      outDir: layout.outDir,
      startedAt,
      shard: settings.shard,
      writer: options.host,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    run.emit({
      type: 'warning',
      message: `the run log was not uploaded (${reason}); it is kept in ${layout.runLogPath}`,
    });
  }
}

/** Inputs that failed on transient faults, given up to ROUNDS rounds in all. */
async function laterRounds(run: RunContext, sender: Sender): Promise<void> {
  for (let round = 2; round <= ROUNDS && sender.deferred.length > 0 && !run.stop.event; round++) {
    const again = sender.deferred.splice(0);
    run.emit({
      type: 'warning',
      message: `trying ${again.length} input${again.length === 1 ? '' : 's'} again that failed on transient faults (round ${round} of ${ROUNDS})`,
    });
    await sender.feed(again, (state) => sender.sendAgain(state, round));
  }
}

/** What would be sent, input by input: each input is checked as a real run would check it. Nothing is written. */
async function dryRun(run: RunContext, planner: Planner, survey: Survey, total: number): Promise<void> {
  const { options, shown } = run;
  const report = (event: ResultEvent) => {
    run.tallies.result(event);
    run.emit(event);
  };
  const url = options.endpoint === 'segment' ? options.client.urls.segment : options.client.urls.edit;
  const context = {
    endpoint: options.endpoint,
    url,
    fields: run.request.fields,
    headers: options.client.headers,
    cwd: options.cwd,
  };
  for await (const job of planner.toSend(survey, total, (skipped) => report(shown.skipped(skipped)))) {
    const prepared = await run.prepare(job, true);
    if ('reason' in prepared) {
      report({
        type: 'result',
        input: shown.input(job),
        output: shown.output(job.outputPath),
        status: 'failed',
        attempts: 0,
        ms: 0,
        error: prepared.reason,
      });
    } else {
      run.emit(planEvent(job, context));
      run.tallies.planned();
    }
  }
}
