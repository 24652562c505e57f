/**
 * What exists once sending starts: the gate, the service's health, the output and state
 * folders, the run log. It sends one input for one round (checked, sent with retries,
 * recorded), settles its failure (a later round, a failed result, or nothing yet when the
 * run stopped), and records every result: the sidecar beside a success, a run log line for
 * each input however the run ends.
 */
import { stat } from 'node:fs/promises';
import { ApiError } from '../api/errors.js';
import { waitAsRetry, withRetries, type Backoff, type RetryBudget } from '../api/retry.js';
import { LocalFault } from '../errors.js';
import { rateShare, wholeKeyRate } from '../inputs/shard.js';
import { displayPath } from '../paths.js';
import { removeStaleTemporaryFiles } from '../store/cleanup.js';
import { OutputFolder } from '../store/outputs.js';
import type { Results } from '../store/results.js';
import { notReplaceable } from '../regular-file.js';
import { openRunLog, type RunLog } from '../store/runlog.js';
import { keptHeaders, sidecarRecord, writeSidecar } from '../store/sidecar.js';
import { VERSION } from '../version.js';
import { sendOnce, type AttemptContext, type AttemptResult } from './attempt.js';
import type { RunContext } from './context.js';
import type { ResultEvent, SettledRate } from './events.js';
import { feed } from './feeder.js';
import { Gate, StoppedBeforeSending } from './gate.js';
import { ServiceHealth } from './health.js';
import type { Job } from './jobs.js';
import type { Prepared } from './prepare.js';
import { refusalStop, stopEvent } from './stops.js';

/**
 * Rounds an input gets: its retries, then at the end of the batch up to two more rounds of
 * retries for inputs that failed only on transient faults (5xx, 429, network). A service
 * that is down is still stopped by the give-up rule.
 */
export const ROUNDS = 3;

/** An input's history so far, carried into a later round. */
export interface JobState {
  job: Job;
  begun: number;
  attempts: number;
  round: number;
  /** Its retries, and the answers it may have been billed for without a result (`badAnswers`). */
  budget: RetryBudget;
  /** Its backoff, grown by its faults the service did not time, in every round. */
  backoff: Backoff;
  /** The last failure; its HTTP status when the service answered (0 for a network fault), none for a local one. */
  last?: { httpStatus?: number; error?: string };
  /** Its result (ok or failed) is recorded. */
  settled?: boolean;
}

/** What tells one version of a file from the next (each result is a new file renamed into place), or null when it is gone. */
export function fileIdentity(file: string): Promise<string | null> {
  return stat(file).then(
    (info) => `${info.ino}:${info.size}:${info.mtimeMs}`,
    () => null,
  );
}

export class Sender {
  /** Inputs that failed on transient faults, for the next round. */
  readonly deferred: JobState[] = [];
  /** Outputs this run wrote, with --watch (the watcher sees them too), each with what it was when written (fileIdentity). */
  readonly written = new Map<string, string | null>();
  /**
   * Inputs sent at least once and not yet done or failed, with their latest state (a later
   * round carries a copy): each gets a run log line however the run ends.
   */
  private readonly unsettled = new Map<Job, JobState>();
  private readonly gate: Gate;
  private readonly health: ServiceHealth;
  private readonly attempt: AttemptContext;
  /** Requests sent and not yet answered. */
  private inFlight = 0;
  /** Aborted when sending ends (close) or the run stops: the health's deadline timer ends with it. */
  private readonly sending = new AbortController();

  private constructor(
    private readonly run: RunContext,
    private readonly runLog: RunLog,
    /** Where sidecars are written: the output folder (or bucket) itself, or the state folder. */
    private readonly stateFolder: Results,
    shareOfInputs: number | undefined,
  ) {
    const { options, settings, timing } = run;
    const { shard } = settings;
    this.gate = new Gate({
      concurrency: settings.concurrency,
      ratePerMinute: rateShare(settings.rate, shard),
      ...(shard && shareOfInputs !== undefined && { shareOfWork: { shards: shard.count, share: shareOfInputs } }),
      timing,
      stopped: run.stop.signal,
      onRateChange: (change) => run.emit({ type: 'rate', ...change }),
    });
    run.stop.signal.addEventListener('abort', () => this.sending.abort(), { once: true });
    this.health = new ServiceHealth({
      giveUpAfterMs: settings.giveUpAfter * 1000,
      timing,
      ended: this.sending.signal,
      waitingToRetry: () => this.inFlight === 0 && this.unsettled.size > 0,
      down: (reason) => run.stop.stop(stopEvent('unavailable', reason)),
    });
    const maxAnswerBytes = settings.maxAnswerSize * 1024 * 1024;
    this.attempt = {
      client: options.client,
      endpoint: options.endpoint,
      fields: run.request.fields,
      folder: run.results,
      maxAnswerBytes,
    };
  }

  /**
   * Opens the run log, and removes the temporary files an interrupted run left in the folders
   * written to (a bucket has none: its objects appear whole or not at all).
   */
  /** `shareOfInputs`: with a shard, its part of every shard's inputs (the survey's). */
  static async open(run: RunContext, shareOfInputs?: number): Promise<Sender> {
    const { outDir, stateDir, runLogPath } = run.layout;
    const { client, host } = run.options;
    const runLog = await openRunLog(runLogPath, client.redactor);
    try {
      const stateFolder = stateDir === outDir ? run.results : new OutputFolder(stateDir, host);
      let stale = await run.results.removeStale(host);
      if (stateDir !== outDir) stale += await removeStaleTemporaryFiles(stateDir, host);
      if (stale > 0)
        run.emit({
          type: 'warning',
          message: `removed ${stale} temporary file${stale === 1 ? '' : 's'} left by an interrupted run`,
        });
      return new Sender(run, runLog, stateFolder, shareOfInputs);
    } catch (error) {
      await runLog.close();
      throw error;
    }
  }

  /**
   * Starts work as places free up: at most twice the requests in flight, so that the next
   * inputs are checked and the last results recorded while requests run.
   */
  feed<T>(items: AsyncIterable<T> | Iterable<T>, start: (item: T) => Promise<void>): Promise<void> {
    return feed(items, start, { bound: 2 * this.gate.concurrency, stopped: this.run.stop.signal });
  }

  /** An input's first round; `round: ROUNDS` gives it no later rounds (--watch). */
  send(job: Job, round = 1): Promise<void> {
    return this.sendJob(this.freshState(job, round));
  }

  /** An input failed before anything is sent (--watch: its output would land on an input), with its reason. */
  refuse(job: Job, reason: string): Promise<void> {
    return this.fail(this.freshState(job, ROUNDS), reason);
  }

  private freshState(job: Job, round: number): JobState {
    return {
      job,
      begun: this.run.timing.now(),
      attempts: 0,
      round,
      budget: { retries: this.run.settings.retries, badAnswers: 0 },
      backoff: { steps: 0 },
    };
  }

  /** A deferred input's next round, with its retries renewed. */
  sendAgain(state: JobState, round: number): Promise<void> {
    return this.sendJob({ ...state, round, budget: { ...state.budget, retries: this.run.settings.retries } });
  }

  async reportSkipped(job: Job): Promise<void> {
    const { outputChecks, layout, options } = this.run;
    const compliance = await outputChecks?.ofEarlier(
      job.outputPath,
      layout.sidecarOf(job.outputPath),
      { outputs: this.run.results, records: this.stateFolder },
      options.client.redactor,
    );
    await this.report({ ...this.run.shown.skipped(job), ...(compliance && { compliance }) });
  }

  /** Inputs the run stopped before it finished them: a line each, with how their last attempt went. */
  async recordUnsettled(): Promise<void> {
    for (const state of this.unsettled.values()) {
      await this.report({
        ...this.resultOf(state, 'not-processed'),
        ...(state.last?.error !== undefined && { error: state.last.error }),
      });
    }
    this.unsettled.clear();
  }

  async close(): Promise<void> {
    this.sending.abort();
    await this.runLog.close();
  }

  /** The rate 429s without Retry-After left the run at, with the `--rate` to ask for next time; undefined if none did. */
  get settledRate(): SettledRate | undefined {
    const perMinute = this.gate.adaptivePerMinute;
    if (perMinute === null) return undefined;
    return { perMinute, suggestedRate: wholeKeyRate(perMinute, this.run.settings.shard) };
  }

  /** The run log's first write failure, if any (later lines were dropped). */
  get runLogFailure(): LocalFault | null {
    return this.runLog.failure;
  }

  /** Where this run's lines begin in the run log (bytes of earlier runs before them). */
  get runLogStart(): number {
    return this.runLog.start;
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
      const input = this.run.shown.input(state.job);
      // Thrown after the input's result was recorded: that result stands.
      if (state.settled) this.run.emit({ type: 'warning', input, message: `${input}: ${detail}` });
      else await this.fail(state, detail);
    }
  }

  /** One input, one round: checked, sent (retried as needed), recorded, or deferred to the next round. */
  private async trySendJob(state: JobState): Promise<void> {
    const { job } = state;
    const { timing, stop } = this.run;
    if (state.round > 1) await waitAsRetry(state.backoff, timing, stop.signal);
    if (stop.event) return;
    const prepared = await this.run.prepare(job);
    if ('reason' in prepared) return this.fail(state, prepared.reason);
    try {
      await withRetries({
        attempt: async () => {
          await this.checkPlaces(job);
          return this.gate.run(async () => {
            state.attempts += 1;
            this.run.tallies.sent();
            this.unsettled.set(state.job, state);
            const attemptStarted = timing.now();
            let answered: number | null = null;
            try {
              const result = await this.sendInFlight(prepared, job.outputPath, (status) => (answered = status));
              try {
                await this.recordSuccess(state, result, prepared, attemptStarted);
              } finally {
                // A bucket output's staged copy: kept for its checks and sidecar, never left behind.
                await this.run.results.release(result.output);
              }
            } catch (error) {
              this.noteAttemptFailure(state, error, answered);
              // Here, once per attempt, whatever then settles the input (a retry, a stop, a later
              // round, a failed result); before the place is given up, so that no request waiting
              // for it starts after a stop, and before the retry loop decides, so that a stop this
              // failure raises is not followed by a retry.
              this.noteServiceFailure(error);
              this.stopIfRunRefused(error);
              throw error;
            }
          });
        },
        budget: state.budget,
        timing,
        // A later round starts where the earlier ones left off, so its waits start long.
        backoff: state.backoff,
        signal: stop.signal,
        onRetry: (error, _attempt, delayMs) => {
          this.run.emit({
            type: 'retry',
            input: this.run.shown.input(job),
            attempt: state.attempts,
            delayMs,
            error: error.message,
          });
        },
      });
    } catch (error) {
      await this.settleFailure(state, error);
    } finally {
      if (prepared.kind === 'file') await prepared.release?.();
    }
  }

  /**
   * One request, in flight until its answer is judged (the give-up deadline waits for it). A
   * whole answer tells that the service is up, whatever then becomes of the result here.
   */
  private async sendInFlight(
    prepared: Prepared,
    outputPath: string,
    onAnswer: (status: number) => void,
  ): Promise<AttemptResult> {
    this.inFlight += 1;
    try {
      const result = await sendOnce(this.attempt, prepared, outputPath, onAnswer);
      this.health.succeeded();
      return result;
    } finally {
      this.inFlight -= 1;
    }
  }

  /**
   * A FIFO, a device or a link where the output or its sidecar goes fails the input before
   * the attempt is sent (and paid for). The write looks again before its rename
   * (OutputFolder.write): something may be put there while the request is in flight.
   * Throws a LocalFault.
   */
  private async checkPlaces(job: Job): Promise<void> {
    if (!this.run.results.local) return;
    for (const file of [job.outputPath, this.run.layout.sidecarOf(job.outputPath)]) {
      const inTheWay = await notReplaceable(file);
      if (inTheWay)
        throw new LocalFault(
          `${displayPath(this.run.options.cwd, file)} is ${inTheWay}, not a file: results replace only regular files; remove it`,
        );
    }
  }

  /** 402 and 403 refuse every later request; a full or read-only disk would lose every later result. */
  private stopIfRunRefused(error: unknown): void {
    if (error instanceof ApiError && error.refusesRun) this.run.stop.stop(refusalStop(error));
    if (error instanceof LocalFault && error.stopsRun) {
      this.run.stop.stop(
        stopEvent('disk', `${error.message}: stopped, as every further result would be paid for and lost`),
      );
    }
  }

  /** What an attempt's failure says of its input: its last status, and whether a billed answer gave nothing. */
  private noteAttemptFailure(state: JobState, error: unknown, answered: number | null): void {
    const httpStatus = answered ?? (error instanceof ApiError ? error.status : undefined);
    state.last = { httpStatus, error: error instanceof Error ? error.message : String(error) };
    // The retry loop counts the bad answers it meets; a whole answer that could not be kept (a full disk) was paid for too.
    const counted = error instanceof ApiError && error.mayBeBilled;
    if (answered !== null && !counted) state.budget.badAnswers += 1;
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
    if (error.retryable && !error.mayBeBilled) {
      // The run stopped while this input waited to retry: it is simply not done yet.
      if (this.run.stop.event) return;
      if (state.round < ROUNDS) {
        this.deferred.push(state);
        return;
      }
    }
    return this.fail(state, error.message);
  }

  /**
   * An attempt's failure, if it is the service's (a 5xx, a 429, a network fault, an answer
   * that may have been billed): counted, and the run stopped if the service looks down (the
   * gate slows down on 429s itself). A 400 or a local fault says nothing of the service.
   */
  private noteServiceFailure(error: unknown): void {
    if (!(error instanceof ApiError) || !(error.retryable || error.mayBeBilled)) return;
    if (error.status === 429) this.run.tallies.limited();
    this.health.failed(error);
  }

  private async recordSuccess(
    state: JobState,
    result: AttemptResult,
    prepared: Prepared,
    attemptStarted: number,
  ): Promise<void> {
    const { job } = state;
    const { options, timing, layout } = this.run;
    // Judged once whole, before it is delivered anywhere (-o -).
    const compliance = await this.run.outputChecks?.of(this.run.results.localCopy(result.output));
    await options.deliver?.(result.output.path);
    const finished = timing.now();
    const sha256 = prepared.kind === 'url' ? '' : (prepared.original?.sha256 ?? result.inputSha256 ?? '');
    const input =
      prepared.kind === 'url'
        ? { url: prepared.url }
        : 'object' in prepared
          ? { object: job.source, size: prepared.object.size, etag: prepared.object.etag, sha256 }
          : {
              path: this.run.shown.input(job),
              size: prepared.original?.size ?? prepared.upload.size,
              mtimeMs: prepared.mtimeMs,
              sha256,
            };
    await writeSidecar(
      this.stateFolder,
      layout.sidecarOf(job.outputPath),
      sidecarRecord({
        input,
        request: this.run.request.signature(job),
        status: result.status,
        headers: result.headers,
        attempts: state.attempts,
        durationsMs: { total: Math.round(finished - state.begun), lastAttempt: Math.round(finished - attemptStarted) },
        output: result.output,
        cliVersion: VERSION,
        completedAt: new Date(timing.wallClock()),
        compliance,
      }),
      this.run.options.client.redactor,
    );
    this.unsettled.delete(state.job);
    state.settled = true;
    if (this.run.settings.watch)
      this.written.set(job.outputPath, this.run.results.local ? await fileIdentity(job.outputPath) : null);
    await this.report({
      ...this.resultOf(state, 'ok'),
      httpStatus: result.status,
      ms: Math.round(finished - state.begun),
      headers: keptHeaders(result.headers),
      ...(compliance && { compliance }),
    });
  }

  private async fail(state: JobState, error: string): Promise<void> {
    this.unsettled.delete(state.job);
    state.settled = true;
    await this.report({ ...this.resultOf(state, 'failed'), error });
  }

  /** An input's result as far as its state tells: its last HTTP status and the answers it may have been billed for. */
  private resultOf(state: JobState, status: ResultEvent['status']): ResultEvent {
    const { job, last } = state;
    const maybeBilled = state.budget.badAnswers;
    return {
      type: 'result',
      input: this.run.shown.input(job),
      output: this.run.shown.output(job.outputPath),
      status,
      ...(last?.httpStatus !== undefined && { httpStatus: last.httpStatus }),
      attempts: state.attempts,
      ms: Math.round(this.run.timing.now() - state.begun),
      ...(maybeBilled && { maybeBilled }),
    };
  }

  /** Counts a result, appends it to the run log, then emits it (a listener that throws cannot cost the line). */
  private async report(event: ResultEvent): Promise<void> {
    this.run.tallies.result(event);
    // The verdict is the sidecar's to keep: the run log says what happened to each input.
    const { type: _type, headers: _headers, compliance: _compliance, ...line } = event;
    const logged = this.runLog.append({
      time: new Date(this.run.timing.wallClock()).toISOString(),
      run: this.run.startedAt,
      ...line,
    });
    this.run.emit(event);
    await logged;
  }
}
