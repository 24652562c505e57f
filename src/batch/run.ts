/**
 * The batch engine's orchestration: plan the inputs (planner.ts), guard the credits
 * (credits.ts), then send each input through the gate (gate.ts) with retries, record what
 * comes back, and give inputs that failed on transient faults further rounds at the end.
 * It stops starting new work when the API refuses the run, the service is down
 * (health.ts), the disk refuses results, or the caller aborts. It reports only through
 * events.
 */
import { EventEmitter, setMaxListeners } from 'node:events';
import path from 'node:path';
import { DEFAULT_MAX_ANSWER_MB } from '../api/answer.js';
import type { Client } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { backoffDelay, withRetries, type RetryBudget } from '../api/retry.js';
import { LocalFault, UserError } from '../errors.js';
import { resolveInputs, type DiscoveredInput, type DiscoverOptions, type ResolvedInputs } from '../inputs/discover.js';
import { FolderWatch, type Watch, type WatchNews, type WatchOptions } from '../inputs/watch.js';
import { IMAGE_EXTENSIONS } from '../inputs/formats.js';
import { inShard, rateShare, type Shard } from '../inputs/shard.js';
import type { InputFix } from '../inputs/sniff.js';
import type { ParamSet } from '../params/paramset.js';
import type { Endpoint } from '../params/types.js';
import { displayInput, displayPath, relativeInside } from '../paths.js';
import { removeStaleTemporaryFiles } from '../store/cleanup.js';
import { earlierOutputCheck } from '../store/earlier-outputs.js';
import { notReplaceable } from '../regular-file.js';
import { stateLayout, type StateLayout } from '../store/layout.js';
import { OutputFolder, realFolderPath } from '../store/outputs.js';
import { openRunLog, type RunLog } from '../store/runlog.js';
import { keptHeaders, sidecarRecord, writeSidecar } from '../store/sidecar.js';
import { VERSION } from '../version.js';
import { sendOnce, type AttemptContext, type AttemptResult } from './attempt.js';
import { guardCredits } from './credits.js';
import { OnePerOutput } from './one-per-output.js';
import { planEvent } from './dry-run.js';
import { prepareInput, type Prepared } from './prepare.js';
import type { BatchEvent, ResultEvent, StopEvent, SummaryEvent } from './events.js';
import { feed } from './feeder.js';
import { Gate, StoppedBeforeSending } from './gate.js';
import { DEFAULT_GIVE_UP_AFTER_MS, ServiceHealth } from './health.js';
import type { Job } from './jobs.js';
import { checkNameTemplate } from './output-names.js';
import { Planner, type Survey } from './planner.js';
import { BatchRequest } from './request.js';
import { createResumeCheck } from './resume.js';
import { refusalStop, stopEvent, stopRequested } from './stops.js';
import { Tallies } from './tallies.js';
import { REAL_TIMING, type BatchTiming } from './timing.js';

export type { BatchTiming } from './timing.js';

/** What to process (as discovery takes it; the extensions follow the endpoint) and how. */
export interface BatchOptions extends Omit<DiscoverOptions, 'extensions' | 'skipFolders'> {
  endpoint: Endpoint;
  /** Where results go. */
  outDir: string;
  /** The one output of a one-input run, instead of a name in `outDir` (`-o mug-white.png`). */
  outputFile?: string;
  /** How the user named the output file, for messages (`-o -`). */
  outputFileLabel?: string;
  /** How the output file is shown in results, when not by its path (`standard output`). */
  outputFileShownAs?: string;
  /**
   * Where each result goes once it is written, before it counts as ok (`-o -`: standard
   * output). A LocalFault fails the input: a result is ok only once it was taken.
   */
  deliver?: (file: string) => Promise<void>;
  /** Sidecars and the run log go here, mirroring `outDir`, instead of beside the outputs. */
  stateDir?: string;
  nameTemplate?: string;
  /** Validated parameters (see buildParamSet). */
  params: ParamSet;
  client: Client;
  concurrency: number;
  ratePerMinute?: number;
  retries: number;
  /** Stop when no request has succeeded for this long while requests keep failing. Default 120 s. */
  giveUpAfterMs?: number;
  /** Larger answers are cut off and fail. Default DEFAULT_MAX_ANSWER_MB. */
  maxAnswerBytes?: number;
  /** Redo inputs even when their outputs are up to date. */
  overwrite?: boolean;
  /** List what would be sent; send and write nothing. */
  dryRun?: boolean;
  maxImages?: number;
  /** Take only this shard's inputs (`--shard I/N`); `ratePerMinute` is then shared by the N shards. */
  shard?: Shard;
  /** Compare the batch size with the account's available images first (off with --yes). */
  checkCredits?: boolean;
  /** Asked before a batch larger than `confirmOver`; false cancels the run. */
  confirm?: (count: number) => Promise<boolean>;
  confirmOver?: number;
  /** Convert inputs in formats the endpoint does not take (default true; --no-convert). */
  convert?: boolean;
  /** Scale down inputs over the endpoint's limits (--fit-inputs). */
  fitInputs?: boolean;
  /**
   * After the first pass, keep processing images added or changed in the input folders until
   * stopped. `start` starts the watcher (FolderWatch by default; tests give a scripted one).
   */
  watch?: { settleMs: number; start?: (options: WatchOptions) => Promise<Watch> };
  /** Aborting stops new work: Ctrl-C, or with a StopEvent as the reason (see stopRequested). */
  signal?: AbortSignal;
  timing?: BatchTiming;
}

type DiscoveredFile = Extract<DiscoveredInput, { kind: 'file' }>;

/**
 * Rounds an input gets: its retries, then at the end of the batch up to two more rounds of
 * retries for inputs that failed only on transient faults (5xx, 429, network). A service
 * that is down is still stopped by the give-up rule.
 */
const ROUNDS = 3;

/** An input's history so far, carried into a later round. */
interface JobState {
  job: Job;
  begun: number;
  attempts: number;
  round: number;
  budget: RetryBudget;
  /** The last attempt's HTTP status (0: no answer), and how it failed. */
  /** The last failure; its HTTP status when the service answered (0 for a network fault), none for a local one. */
  last?: { httpStatus?: number; error?: string };
  /** Attempts whose 2xx came but gave no kept result: each may have been billed. */
  maybeBilled?: number;
  /** Its result (ok or failed) is recorded. */
  settled?: boolean;
}

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
  return new BatchRun((emit) => new Batch(options, emit).run());
}

/** The parts that exist once sending starts. */
interface Sending {
  gate: Gate;
  health: ServiceHealth;
  folder: OutputFolder;
  /** Where sidecars are written: the output folder itself, or the state folder. */
  stateFolder: OutputFolder;
  runLog: RunLog;
  attempt: AttemptContext;
  /** Inputs that failed on transient faults, for the next round. */
  deferred: JobState[];
}

class Batch {
  private readonly timing: BatchTiming;
  private readonly tallies = new Tallies();
  /**
   * Inputs sent at least once and not yet done or failed, with their latest state (a later
   * round carries a copy): each gets a run log line however the run ends.
   */
  private readonly unsettled = new Map<Job, JobState>();
  /** Warnings said about the inputs (link loops, unreadable folders...), by the first pass or the watch. */
  private readonly inputWarnings = new Set<string>();
  /** Outputs this run wrote, with --watch: the watcher sees them too. */
  private readonly written = new Set<string>();
  /** Kinds of fixes already announced (see noteFix). */
  private readonly fixesNoted = new Set<string>();
  private stopped: StopEvent | null = null;
  /** Aborted on stop: every wait of the engine ends at once. */
  private readonly stopping = new AbortController();
  private request!: BatchRequest;
  private layout: StateLayout = stateLayout('');
  private sending: Sending | null = null;
  private readonly started: number;
  /** When the run started, on every run log line: it tells one run's lines from the next's. */
  private readonly runStartedAt: string;

  constructor(
    private readonly options: BatchOptions,
    private readonly emit: (event: BatchEvent) => void,
  ) {
    this.timing = options.timing ?? REAL_TIMING;
    this.started = this.timing.now();
    this.runStartedAt = new Date(this.timing.wallClock()).toISOString();
    // Every wait of every input in flight listens to it.
    setMaxListeners(0, this.stopping.signal);
  }

  async run(): Promise<SummaryEvent> {
    const { options } = this;
    if (options.nameTemplate) checkNameTemplate(options.nameTemplate);
    this.request = await BatchRequest.of(options.endpoint, options.params, options.client.urls.edit);
    // Compared and written as real paths: a link to an input folder is that input folder.
    const outDir = await realFolderPath(options.outputFile ? path.dirname(options.outputFile) : options.outDir);
    const outputFile = options.outputFile && path.join(outDir, path.basename(options.outputFile));
    this.layout = stateLayout(outDir, options.stateDir && (await realFolderPath(options.stateDir)));
    const { stateDir } = this.layout;
    const discovery = {
      ...options,
      skipFolders: [outDir, stateDir],
      isEarlierOutput: earlierOutputCheck(this.layout),
      extensions: IMAGE_EXTENSIONS,
    };
    const inputs = await resolveInputs(discovery);
    // Started before the first pass walks the folders, so that nothing added meanwhile is missed.
    const watch = options.watch && (await this.startWatch(inputs, options.watch));
    try {
      return await this.runPasses(inputs, watch || null, outputFile);
    } finally {
      if (watch) await watch.close();
    }
  }

  private async startWatch(inputs: ResolvedInputs, watch: NonNullable<BatchOptions['watch']>): Promise<Watch> {
    const folders = inputs.folders();
    if (folders.length === 0) throw new UserError('--watch watches folders: name at least one folder (or a glob) among the inputs');
    // As in a walk, the output and state folders are left out only below a root: `-o .` watches them.
    const skipped = [this.layout.outDir, this.layout.stateDir].filter((folder) => !folders.some((root) => relativeInside(root, folder) !== null));
    const ignored = (file: string) => path.basename(file).startsWith('.') || skipped.some((folder) => relativeInside(file, folder) !== null);
    const start = watch.start ?? ((options: WatchOptions) => FolderWatch.start(options));
    return start({ roots: folders, settleMs: watch.settleMs, ignored, shown: (file) => this.shown(file) });
  }

  /** The first pass over the inputs, the later rounds, and the watch when there is one. */
  private async runPasses(inputs: ResolvedInputs, watch: Watch | null, outputFile: string | undefined): Promise<SummaryEvent> {
    const { options } = this;
    const planner = new Planner(inputs, {
      ...options,
      layout: this.layout,
      outputFile,
      rememberNames: watch !== null,
      signature: (job) => this.request.signature(job),
      refusal: (job) => this.request.refusal(job),
      notify: (event) => {
        if (event.type === 'warning') this.inputWarnings.add(event.message);
        this.emit(event);
      },
    });
    const survey = await planner.survey();
    this.tallies.surveyed(survey);
    const total = Math.min(survey.pending, options.maxImages ?? Infinity);
    options.signal?.addEventListener('abort', () => this.stop(stopRequested(options.signal!)), { once: true });
    if (options.signal?.aborted) this.stop(stopRequested(options.signal));

    if (!options.dryRun && total > 0 && !this.stopped) {
      const refusal = await guardCredits({ ...options, count: total, timing: this.timing, signal: this.stopping.signal });
      if (refusal) this.stop(refusal);
    }
    if (this.stopped) return this.finish();
    this.emit({ type: 'start', total, skipped: survey.done.size, ignored: { ...survey.ignored }, dryRun: Boolean(options.dryRun) });
    if (options.dryRun) return this.dryRun(planner, survey, total);

    const runLog = await openRunLog(this.layout.runLogPath);
    const toSend = planner.toSend(survey, total, (job) => this.report(this.skippedResult(job)));
    try {
      await this.send(toSend, runLog);
      if (watch && !this.stopped) await this.watch(watch, inputs, planner);
      await this.recordUnsettled();
    } finally {
      await runLog.close();
    }
    if (runLog.failure) this.emit({ type: 'warning', message: `the run log is incomplete: ${runLog.failure.message}` });
    return this.finish();
  }

  /** What would be sent, input by input: each input is checked as a real run would check it. */
  private async dryRun(planner: Planner, survey: Survey, total: number): Promise<SummaryEvent> {
    const { options } = this;
    const url = options.endpoint === 'segment' ? options.client.urls.segment : options.client.urls.edit;
    const context = { endpoint: options.endpoint, url, fields: this.request.fields, cwd: options.cwd };
    for await (const job of planner.toSend(survey, total, (skipped) => this.report(this.skippedResult(skipped)))) {
      const prepared = await this.prepare(job, true);
      if ('reason' in prepared) await this.fail({ job, begun: this.timing.now(), attempts: 0, round: 1, budget: { retries: 0, badAnswers: 0 } }, prepared.reason);
      else {
        this.emit(planEvent(job, context));
        this.tallies.planned();
      }
    }
    return this.finish();
  }

  private async send(toSend: AsyncIterable<Job>, runLog: RunLog): Promise<void> {
    const { options } = this;
    const { outDir, stateDir } = this.layout;
    const folder = new OutputFolder(outDir);
    const stateFolder = stateDir === outDir ? folder : new OutputFolder(stateDir);
    let stale = await removeStaleTemporaryFiles(outDir);
    if (stateDir !== outDir) stale += await removeStaleTemporaryFiles(stateDir);
    if (stale > 0) this.emit({ type: 'warning', message: `removed ${stale} temporary file${stale === 1 ? '' : 's'} left by an interrupted run` });
    this.sending = {
      gate: new Gate({ concurrency: options.concurrency, ratePerMinute: rateShare(options.ratePerMinute, options.shard), timing: this.timing, stopped: this.stopping.signal }),
      health: new ServiceHealth(options.giveUpAfterMs ?? DEFAULT_GIVE_UP_AFTER_MS, () => this.timing.now()),
      folder,
      stateFolder,
      runLog,
      attempt: { client: options.client, endpoint: options.endpoint, fields: this.request.fields, folder, maxAnswerBytes: options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_MB * 1024 * 1024 },
      deferred: [],
    };
    await this.feed(toSend, (job) => this.sendJob({ job, begun: this.timing.now(), attempts: 0, round: 1, budget: { retries: options.retries, badAnswers: 0 } }));
    for (let round = 2; round <= ROUNDS && this.sending.deferred.length > 0 && !this.stopped; round++) {
      const again = this.sending.deferred.splice(0);
      this.emit({ type: 'warning', message: `trying ${again.length} input${again.length === 1 ? '' : 's'} again that failed on transient faults (round ${round} of ${ROUNDS})` });
      await this.feed(again, (state) => this.sendJob({ ...state, round, budget: { ...state.budget, retries: options.retries } }));
    }
  }

  /**
   * --watch: after the first pass, the files added or changed in the input folders, each
   * once it has been written whole, until the run stops (Ctrl-C, 402...) or no watched
   * folder is left. They are judged, named and resumed as the first pass's inputs are; they
   * get their retries but no later rounds, as there is no end of the batch to wait for. One
   * request per output at a time, the newest version of an input last (one-per-output.ts).
   */
  private async watch(watch: Watch, inputs: ResolvedInputs, planner: Planner): Promise<void> {
    this.emit({ type: 'watching', folders: inputs.folders().map((folder) => this.shown(folder)) });
    const perOutput = new OnePerOutput();
    const jobs = this.watchedJobs(watch.changes(this.stopping.signal), inputs, planner);
    await this.feed(jobs, ({ job, item }) => perOutput.run(job.outputPath, () => this.sendWatched(job, item)));
  }

  private async *watchedJobs(changes: AsyncIterable<WatchNews>, inputs: ResolvedInputs, planner: Planner): AsyncGenerator<{ job: Job; item: DiscoveredFile }> {
    for await (const news of changes) {
      // The watch's first scan meets the link loops the first pass reported: each is said once.
      if (news.kind === 'warning' && !this.inputWarnings.has(news.message)) {
        this.inputWarnings.add(news.message);
        this.emit({ type: 'warning', message: news.message });
      }
      if (news.kind === 'ended') this.stop(stopEvent('folders-gone', news.message));
      if (news.kind !== 'file') continue;
      const file = news.path;
      // This run's own results, written inside a watched folder (in place), are never inputs.
      if (this.written.has(file)) continue;
      const item = await inputs.classify(file);
      if (item?.kind === 'ignored') this.emit({ type: 'ignored', input: this.shown(item.path), reason: item.reason });
      if (item?.kind !== 'file') continue;
      if (this.options.shard && !inShard(this.options.shard, item)) continue;
      yield { job: planner.jobFor(item), item };
    }
  }

  /** A watched input, when its turn for its output comes: resumed (its newest version may be done already) or sent. */
  private async sendWatched(job: Job, item: DiscoveredFile): Promise<void> {
    if (this.stopped) return;
    // Listed afresh each time: the outputs of this session are new since the survey.
    const verdict = !this.options.overwrite && createResumeCheck(this.layout)(job.outputPath, item, () => this.request.signature(job));
    if (verdict !== false && (await verdict)) return this.report(this.skippedResult(job));
    this.tallies.added();
    await this.sendJob({ job, begun: this.timing.now(), attempts: 0, round: ROUNDS, budget: { retries: this.options.retries, badAnswers: 0 } });
  }

  /** At most twice the requests in flight: the next inputs are checked and the last results recorded while requests run. */
  private feed<T>(items: AsyncIterable<T> | Iterable<T>, start: (item: T) => Promise<void>): Promise<void> {
    return feed(items, start, { bound: 2 * this.sending!.gate.concurrency, stopped: this.stopping.signal });
  }

  /**
   * One input, one round. Crash-only: whatever an input's processing throws (a bug, a
   * library's surprise) fails that input, with its reason in the run log, never the batch.
   */
  private async sendJob(state: JobState): Promise<void> {
    try {
      await this.trySendJob(state);
    } catch (error) {
      const detail = `unexpected error (please report it): ${error instanceof Error ? error.message : String(error)}`;
      // Thrown after the input's result was recorded: that result stands.
      if (state.settled) this.emit({ type: 'warning', input: this.shownInput(state.job), message: `${this.shownInput(state.job)}: ${detail}` });
      else await this.fail(state, detail);
    }
  }

  /** One input, one round: checked, sent (retried as needed), recorded, or deferred to the next round. */
  private async trySendJob(state: JobState): Promise<void> {
    const { job } = state;
    const { gate, health } = this.sending!;
    // A later round waits first, as a retry would: the fault it met may still be there.
    if (state.round > 1) await this.timing.sleep(backoffDelay(state.attempts, this.timing.random), this.stopping.signal);
    if (this.stopped) return;
    const inTheWay = await this.outputInTheWay(job);
    if (inTheWay) return this.fail(state, inTheWay);
    const prepared = await this.prepare(job);
    if ('reason' in prepared) return this.fail(state, prepared.reason);
    try {
      await withRetries({
        attempt: () =>
          gate.run(async () => {
            state.attempts += 1;
            this.tallies.sent();
            this.unsettled.set(state.job, state);
            const attemptStarted = this.timing.now();
            let answered: number | null = null;
            try {
              const result = await sendOnce(this.sending!.attempt, prepared, job.outputPath, (status) => (answered = status));
              await this.recordSuccess(state, result, prepared, attemptStarted);
            } catch (error) {
              this.noteAttemptFailure(state, error, answered);
              // Before the place is given up, so that no request waiting for it starts after a stop.
              this.stopIfRunRefused(error);
              throw error;
            }
          }),
        budget: state.budget,
        timing: this.timing,
        // A later round starts where the earlier ones left off, so its waits start long.
        attemptsBefore: state.attempts,
        signal: this.stopping.signal,
        onRetry: (error, _attempt, delayMs) => {
          this.noteFailure(error);
          this.emit({ type: 'retry', input: this.shownInput(job), attempt: state.attempts, delayMs, error: error.message });
        },
      });
      health.succeeded();
    } catch (error) {
      await this.settleFailure(state, error);
    } finally {
      if (prepared.kind === 'file') await prepared.release?.();
    }
  }

  /** A FIFO, a device or a link where the output or its sidecar goes: found before the result is paid for, never renamed over. */
  private async outputInTheWay(job: Job): Promise<string | null> {
    for (const file of [job.outputPath, this.layout.sidecarOf(job.outputPath)]) {
      const inTheWay = await notReplaceable(file);
      if (inTheWay) return `${displayPath(this.options.cwd, file)} is ${inTheWay}, not a file: results replace only regular files; remove it`;
    }
    return null;
  }

  /** 402 and 403 refuse every later request; a full or read-only disk would lose every later result. */
  private stopIfRunRefused(error: unknown): void {
    if (error instanceof ApiError && error.refusesRun) this.stop(refusalStop(error));
    if (error instanceof LocalFault && error.stopsRun) {
      this.stop(stopEvent('disk', `${error.message}: stopped, as every further result would be paid for and lost`));
    }
  }

  /** What an attempt's failure says of its input: its last status, and whether a billed answer gave nothing. */
  private noteAttemptFailure(state: JobState, error: unknown, answered: number | null): void {
    const httpStatus = answered ?? (error instanceof ApiError ? error.status : undefined);
    state.last = { httpStatus, error: error instanceof Error ? error.message : String(error) };
    if (answered === null) return;
    state.maybeBilled = (state.maybeBilled ?? 0) + 1;
  }

  /**
   * Where an input that could not be done goes: the next round, a failed result, or, when
   * the run stopped, nowhere yet (recordUnsettled gives it its line).
   */
  private async settleFailure(state: JobState, error: unknown): Promise<void> {
    if (error instanceof StoppedBeforeSending) return;
    if (error instanceof LocalFault) return this.fail(state, error.message);
    if (!(error instanceof ApiError)) throw error;
    if (error.refusesRun) return;
    const transient = error.retryable && !error.mayBeBilled;
    if (transient) {
      this.noteFailure(error);
      // The run stopped while this input waited to retry: it is simply not done yet.
      if (this.stopped) return;
      if (state.round < ROUNDS) {
        this.sending!.deferred.push(state);
        return;
      }
    } else if (error.mayBeBilled) {
      this.noteFailure(error);
    }
    return this.fail(state, error.message);
  }

  /** Inputs the run stopped before it finished them: a line each, with how their last attempt went. */
  private async recordUnsettled(): Promise<void> {
    for (const state of this.unsettled.values()) {
      await this.report({ ...this.resultOf(state, 'not-processed'), ...(state.last?.error !== undefined && { error: state.last.error }) });
    }
    this.unsettled.clear();
  }

  /** A failure of the service: stops the run if the service looks down (the gate slows down on 429s itself). */
  private noteFailure(error: ApiError): void {
    if (error.status === 429) this.tallies.limited();
    const down = this.sending!.health.failed(error);
    if (down) this.stop(stopEvent('unavailable', down));
  }

  private stop(event: StopEvent): void {
    if (this.stopped) return;
    this.stopped = event;
    this.emit(event);
    this.stopping.abort();
  }

  private prepare(job: Job, checkOnly = false): Promise<Prepared | { reason: string }> {
    const { options } = this;
    return prepareInput(job, {
      endpoint: options.endpoint,
      upscaleMode: options.params.get('upscale.mode'),
      convert: options.convert ?? true,
      fitInputs: options.fitInputs ?? false,
      checkOnly,
      onFixed: (fix) => this.noteFix(fix),
    });
  }

  /** Says once per kind what is done to inputs the endpoint would refuse. */
  private noteFix(fix: InputFix): void {
    const kind = fix.kind === 'convert' ? fix.from : 'fit';
    if (this.fixesNoted.has(kind)) return;
    this.fixesNoted.add(kind);
    this.emit({
      type: 'warning',
      message:
        fix.kind === 'convert'
          ? `${fix.from} images are converted to PNG before they are sent (the endpoint does not take them; --no-convert refuses them instead)`
          : 'images over the endpoint\'s limits are scaled down to fit before they are sent (--fit-inputs)',
    });
  }

  /** The input as the user named it: a URL, or a path relative to the working folder when inside it. */
  private shownInput(job: Job): string {
    return displayInput(this.options.cwd, job.source);
  }

  /** An output as the user is shown it: relative to the working folder when inside it. */
  private shown(file: string): string {
    return (this.options.outputFileShownAs && this.options.outputFile ? this.options.outputFileShownAs : null) ?? displayPath(this.options.cwd, file);
  }

  private async recordSuccess(state: JobState, result: AttemptResult, prepared: Prepared, attemptStarted: number): Promise<void> {
    const { job } = state;
    await this.options.deliver?.(result.output.path);
    const finished = this.timing.now();
    const input =
      prepared.kind === 'url'
        ? { url: prepared.url }
        : {
            path: this.shownInput(job),
            size: prepared.original?.size ?? prepared.upload.size,
            mtimeMs: prepared.mtimeMs,
            sha256: prepared.original?.sha256 ?? result.inputSha256 ?? '',
          };
    await writeSidecar(
      this.sending!.stateFolder,
      this.layout.sidecarOf(job.outputPath),
      sidecarRecord({
        input,
        request: this.request.signature(job),
        status: result.status,
        headers: result.headers,
        attempts: state.attempts,
        durationsMs: { total: Math.round(finished - state.begun), lastAttempt: Math.round(finished - attemptStarted) },
        output: result.output,
        cliVersion: VERSION,
        completedAt: new Date(this.timing.wallClock()),
      }),
    );
    this.unsettled.delete(state.job);
    state.settled = true;
    if (this.options.watch) this.written.add(job.outputPath);
    await this.report({ ...this.resultOf(state, 'ok'), httpStatus: result.status, ms: Math.round(finished - state.begun), headers: keptHeaders(result.headers) });
  }

  private async fail(state: JobState, error: string): Promise<void> {
    this.unsettled.delete(state.job);
    state.settled = true;
    await this.report({ ...this.resultOf(state, 'failed'), error });
  }

  /** An input's result as far as its state tells: its last HTTP status and the answers it may have been billed for. */
  private resultOf(state: JobState, status: ResultEvent['status']): ResultEvent {
    const { job, last, maybeBilled } = state;
    return {
      type: 'result',
      input: this.shownInput(job),
      output: this.shown(job.outputPath),
      status,
      ...(last?.httpStatus !== undefined && { httpStatus: last.httpStatus }),
      attempts: state.attempts,
      ms: Math.round(this.timing.now() - state.begun),
      ...(maybeBilled && { maybeBilled }),
    };
  }

  private skippedResult(job: Job): ResultEvent {
    return { type: 'result', input: this.shownInput(job), output: this.shown(job.outputPath), status: 'skipped', attempts: 0, ms: 0 };
  }

  /** Appends a result to the run log, then emits it (a listener that throws cannot cost the line). */
  private async report(event: ResultEvent): Promise<void> {
    const { type: _type, headers: _headers, ...line } = event;
    this.tallies.result(event);
    const logged = this.sending?.runLog.append({ time: new Date(this.timing.wallClock()).toISOString(), run: this.runStartedAt, ...line });
    this.emit(event);
    await logged;
  }

  private finish(): SummaryEvent {
    const summary = this.tallies.summary(this.stopped, Math.round(this.timing.now() - this.started));
    this.emit(summary);
    return summary;
  }
}
