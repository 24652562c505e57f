/**
 * The batch engine: plan the inputs (planner.ts), guard the account's credits, then run a
 * concurrency-limited queue with rate limiting, retries and adaptive concurrency, stopping
 * new work when the API refuses the run, and record every result (output, sidecar, run
 * log). It reports only through events.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Client } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { retryDelay, shouldRetry } from '../api/retry.js';
import { EXIT } from '../errors.js';
import { resolveInputs, type DiscoverOptions } from '../inputs/discover.js';
import { IMAGE_EXTENSIONS, type UpscaleMode } from '../inputs/formats.js';
import { checkInputFile } from '../inputs/sniff.js';
import { encodeFields, type Field } from '../params/encode.js';
import { ENDPOINT_PATH } from '../params/endpoints.js';
import type { ParamSet } from '../params/paramset.js';
import type { Endpoint } from '../params/types.js';
import { hashFile } from '../store/hash.js';
import { removeStaleTemporaryFiles } from '../store/cleanup.js';
import { openRunLog, type RunLog } from '../store/runlog.js';
import { keptHeaders, writeSidecar, type RequestSignature } from '../store/sidecar.js';
import { displayInput, displayPath } from '../paths.js';
import { VERSION } from '../version.js';
import { planEvent } from './dry-run.js';
import type { BatchEvent, Failure, IgnoreReason, ResultEvent, StopEvent, SummaryEvent } from './events.js';
import { sendOnce, type Sendable } from './execute.js';
import { isUrlJob, type Job } from './jobs.js';
import { checkNameTemplate } from './plan.js';
import { Planner } from './planner.js';
import { createRateLimiter, type RateLimiter } from './rate.js';
import { Throttle } from './throttle.js';

export interface BatchTiming {
  /** Monotonic ms. */
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
  /** Wall-clock ms since the epoch (HTTP-date Retry-After values). */
  wallClock(): number;
}

const REAL_TIMING: BatchTiming = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  wallClock: Date.now,
};

/** What to process (as discovery takes it; the extensions follow the endpoint) and how. */
export interface BatchOptions extends Omit<DiscoverOptions, 'extensions'> {
  endpoint: Endpoint;
  nameTemplate?: string;
  /** Validated parameters (see buildParamSet). */
  params: ParamSet;
  client: Client;
  concurrency: number;
  ratePerMinute?: number;
  retries: number;
  /** Stop when no request has succeeded for this long while requests keep failing. Default 120 s. */
  giveUpAfterMs?: number;
  /** Redo inputs even when their outputs are up to date. */
  overwrite?: boolean;
  /** List what would be sent; send and write nothing. */
  dryRun?: boolean;
  maxImages?: number;
  /** Compare the batch size with the account's available images first (off with --yes). */
  checkCredits?: boolean;
  /** Asked before a batch larger than `confirmOver`; false cancels the run. */
  confirm?: (count: number) => Promise<boolean>;
  confirmOver?: number;
  /** Aborting stops new work (Ctrl-C). */
  signal?: AbortSignal;
  timing?: BatchTiming;
}

/** The queue's moving parts, set up when sending starts. */
interface QueueState {
  limit: LimitFunction;
  rate: RateLimiter;
  throttle: Throttle;
  /** When a request last succeeded (or the queue started), for --give-up-after. */
  lastSuccessAt: number;
  failuresSinceSuccess: number;
}

/** An input up to this size is read once into memory (upload and hash); larger ones stream. */
const KEEP_IN_MEMORY_BYTES = 1024 * 1024;

/** An input ready to send; a file input with what its sidecar records of it. */
type Prepared = Extract<Sendable, { kind: 'url' }> | (Extract<Sendable, { kind: 'file' }> & { mtimeMs: number });

/** A service is only declared down after this many failures in a row, however long they took. */
const FAILURES_BEFORE_GIVING_UP = 3;
const DEFAULT_GIVE_UP_AFTER_MS = 120_000;

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

class Batch {
  private readonly timing: BatchTiming;
  private ignored: Record<IgnoreReason, number> = { hidden: 0, 'not-an-image': 0, 'output-folder': 0, excluded: 0 };
  private readonly failures: Failure[] = [];
  private readonly unsupported = new Map<string, number>();
  private readonly counts = { ok: 0, skipped: 0, failed: 0, notProcessed: 0, requests: 0, rateLimited: 0 };
  private stopped: StopEvent | null = null;
  private wakeStopped: () => void = () => {};
  private readonly stoppedSignal = new Promise<void>((resolve) => (this.wakeStopped = resolve));
  private fields: Field[] = [];
  private signatureFields: RequestSignature['fields'] = [];
  private runLog: RunLog | null = null;
  private queue!: QueueState;
  private readonly started: number;

  constructor(
    private readonly options: BatchOptions,
    private readonly emit: (event: BatchEvent) => void,
  ) {
    this.timing = options.timing ?? REAL_TIMING;
    this.started = this.timing.now();
  }

  async run(): Promise<SummaryEvent> {
    const { options } = this;
    if (options.nameTemplate) checkNameTemplate(options.nameTemplate);
    this.fields = encodeFields(options.params);
    this.signatureFields = await this.signatureOf(this.fields);
    const planner = new Planner(await resolveInputs({ ...options, extensions: IMAGE_EXTENSIONS }), {
      ...options,
      signature: (job) => this.signature(job),
      warn: (event) => this.emit(event),
    });
    const survey = await planner.survey();
    this.ignored = survey.ignored;
    const total = Math.min(survey.pending, options.maxImages ?? Infinity);
    this.counts.notProcessed += survey.pending - total;

    if (!options.dryRun && total > 0) {
      const refusal = await this.guard(total);
      if (refusal) {
        this.counts.notProcessed += total;
        return this.finish(refusal);
      }
    }
    this.emit({ type: 'start', total, skipped: survey.done.size, ignored: { ...this.ignored }, dryRun: Boolean(options.dryRun) });
    const toSend = planner.toSend(survey, total, (job) =>
      this.report({ type: 'result', input: this.shownInput(job), output: this.shown(job.outputPath), status: 'skipped', attempts: 0, ms: 0 }),
    );
    if (options.dryRun) {
      const url = options.endpoint === 'segment' ? options.client.urls.segment : options.client.urls.edit;
      const context = { endpoint: options.endpoint, url, fields: this.fields, cwd: options.cwd };
      for await (const job of toSend) this.emit(planEvent(job, context));
      return this.finish();
    }

    this.runLog = await openRunLog(options.outDir);
    const stale = await removeStaleTemporaryFiles(options.outDir);
    if (stale > 0) this.emit({ type: 'warning', message: `removed ${stale} temporary file${stale === 1 ? '' : 's'} left by an interrupted run` });
    options.signal?.addEventListener('abort', () => this.stop({ type: 'stop', reason: 'interrupted', message: 'interrupted: no new work started' }), { once: true });
    const limit = pLimit(options.concurrency);
    this.queue = {
      limit,
      rate: createRateLimiter(options.ratePerMinute, this.timing),
      throttle: new Throttle(options.concurrency, () => this.timing.now()),
      lastSuccessAt: this.timing.now(),
      failuresSinceSuccess: 0,
    };
    await this.feed(toSend);
    await this.runLog.close();
    return this.finish();
  }

  /** The input as the user named it: a URL, or a path relative to the working folder when inside it. */
  private shownInput(job: Job): string {
    return displayInput(this.options.cwd, job.source);
  }

  /** A path as the user is shown it: relative to the working folder when inside it. */
  private shown(file: string): string {
    return displayPath(this.options.cwd, file);
  }

  /** Local files named by parameters are part of the signature by content. */
  private async signatureOf(fields: readonly Field[]): Promise<RequestSignature['fields']> {
    return Promise.all(
      fields.map(async ([name, value]): Promise<RequestSignature['fields'][number]> =>
        typeof value === 'string' ? [name, value] : [name, { file: path.basename(value.file), sha256: await hashFile(value.file) }],
      ),
    );
  }

  private signature(job: Job): RequestSignature {
    const method = this.options.endpoint === 'edit' && isUrlJob(job) ? 'GET' : 'POST';
    return { endpoint: ENDPOINT_PATH[this.options.endpoint], method, fields: this.signatureFields };
  }

  /** The cost guard and the confirmation; a StopEvent when the run must not start. */
  private async guard(count: number): Promise<StopEvent | null> {
    const { options } = this;
    if (options.checkCredits) {
      let available: number;
      try {
        available = await this.availableImages();
      } catch (error) {
        if (error instanceof ApiError && error.refusesRun) return this.refusal(error);
        const reason = error instanceof Error ? error.message : String(error);
        throw new ApiError({ status: 0, kind: 'network', message: `could not check the account's credits before the batch: ${reason} (--yes skips this check)` });
      }
      if (available < count) {
        return {
          type: 'stop',
          reason: 'credits',
          message: `${count} images to process but the account has ${available} left: nothing was sent (use --max-images ${Math.max(0, Math.floor(available))}, top up, or --yes to try anyway)`,
        };
      }
    }
    if (options.confirm && count > (options.confirmOver ?? Infinity) && !(await options.confirm(count))) {
      return { type: 'stop', reason: 'cancelled', message: 'cancelled: nothing was sent' };
    }
    return null;
  }

  /** GET /v2/account, retried like any request. */
  private async availableImages(): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.options.client.account()).images.available;
      } catch (error) {
        if (!(error instanceof ApiError) || !shouldRetry(error, attempt, this.options.retries)) throw error;
        await this.timing.sleep(retryDelay(error, attempt, this.timing));
      }
    }
  }

  private refusal(error: ApiError): StopEvent {
    return error.status === 402
      ? { type: 'stop', reason: 'credits', message: `no credits left (${error.message})` }
      : { type: 'stop', reason: 'key', message: `the API key was refused (${error.message}); check PHOTOROOM_API_KEY (sandbox keys start with sandbox_)` };
  }

  private stop(event: StopEvent): void {
    if (this.stopped) return;
    this.stopped = event;
    this.emit(event);
    this.wakeStopped();
  }

  /** Sleeps, or returns early (false) when the run stops meanwhile. */
  private async wait(ms: number): Promise<boolean> {
    await Promise.race([this.timing.sleep(ms), this.stoppedSignal]);
    return !this.stopped;
  }

  /**
   * Starts jobs as places free up: at most twice the requests in flight, so that the next
   * inputs are checked and the last results recorded while requests run, and waiting work
   * never piles up in memory.
   */
  private async feed(jobs: AsyncIterable<Job>): Promise<void> {
    const running = new Set<Promise<void>>();
    const placeFreed = { notify: () => {} };
    for await (const job of jobs) {
      while (running.size >= 2 * this.queue.limit.concurrency) {
        await new Promise<void>((resolve) => (placeFreed.notify = resolve));
      }
      const task: Promise<void> = this.process(job).then(() => {
        running.delete(task);
        placeFreed.notify();
      });
      running.add(task);
    }
    await Promise.all(running);
  }

  /** Waits out a 429 pause and the --rate slot; false when the run stopped meanwhile. */
  private async readyToSend(): Promise<boolean> {
    const { throttle, rate } = this.queue;
    for (let left = throttle.pauseLeft(); left > 0; left = throttle.pauseLeft()) {
      if (!(await this.wait(left))) return false;
    }
    if (this.stopped) return false;
    await rate.acquire();
    return !this.stopped;
  }

  /**
   * One input: checked, sent (retried as needed), recorded. A --concurrency place is held from
   * the request to its sidecar, so that a crash costs at most that many redone requests;
   * checking the input and waiting before a retry hold none.
   */
  private async process(job: Job): Promise<void> {
    const begun = this.timing.now();
    const { throttle, limit } = this.queue;
    const prepared = await this.prepare(job);
    if ('reason' in prepared) return this.fail(job, prepared.reason, 0, begun);
    for (let attempt = 1; ; attempt++) {
      try {
        const sent = await limit(async () => {
          if (!(await this.readyToSend())) return false;
          const attemptStarted = this.timing.now();
          this.counts.requests += 1;
          const result = await sendOnce(this.options.client, this.options.endpoint, prepared, this.fields, job.outputPath);
          await this.recordSuccess(job, result, prepared, attempt, begun, attemptStarted);
          return true;
        });
        if (!sent) return this.notProcessed(job);
        throttle.succeeded();
        limit.concurrency = throttle.concurrency;
        this.queue.lastSuccessAt = this.timing.now();
        this.queue.failuresSinceSuccess = 0;
        return;
      } catch (error) {
        if (!(error instanceof ApiError)) {
          return this.fail(job, (error as Error).message, attempt, begun);
        }
        if (error.refusesRun) {
          this.stop(this.refusal(error));
          return this.notProcessed(job);
        }
        if (!shouldRetry(error, attempt, this.options.retries)) {
          return this.fail(job, error.message, attempt, begun, error.status);
        }
        const delayMs = retryDelay(error, attempt, this.timing);
        if (error.status === 429) {
          this.counts.rateLimited += 1;
          throttle.rateLimited(delayMs);
          limit.concurrency = throttle.concurrency;
        } else {
          this.noteFailure(error);
        }
        this.emit({ type: 'retry', input: this.shownInput(job), attempt, delayMs, error: error.message });
        if (!(await this.wait(delayMs))) return this.notProcessed(job);
      }
    }
  }

  /** A failure that is not the service asking us to slow down: is the service down? */
  private noteFailure(error: ApiError): void {
    this.queue.failuresSinceSuccess += 1;
    const failingFor = this.timing.now() - this.queue.lastSuccessAt;
    if (failingFor >= (this.options.giveUpAfterMs ?? DEFAULT_GIVE_UP_AFTER_MS) && this.queue.failuresSinceSuccess >= FAILURES_BEFORE_GIVING_UP) {
      this.stop({
        type: 'stop',
        reason: 'unavailable',
        message: `no request has succeeded for ${Math.round(failingFor / 1000)} s (${this.queue.failuresSinceSuccess} failures, the last: ${error.message})`,
      });
    }
  }

  /**
   * Checks a file input (bad files are reported with their own reason and never uploaded)
   * and keeps a small one's bytes, so that it is read once for the upload and the hash.
   */
  private async prepare(job: Job): Promise<Prepared | { reason: string }> {
    if (isUrlJob(job)) return { kind: 'url', url: job.source };
    const upscaleMode = this.options.params.get('upscale.mode') as UpscaleMode | undefined;
    const check = await checkInputFile(job.source, { endpoint: this.options.endpoint, upscaleMode, keepUpTo: KEEP_IN_MEMORY_BYTES });
    if (!check.ok) return { reason: check.reason };
    return { kind: 'file', upload: { path: job.source, size: check.bytes, content: check.content }, mtimeMs: check.mtimeMs };
  }

  private async recordSuccess(
    job: Job,
    result: Awaited<ReturnType<typeof sendOnce>>,
    prepared: Prepared,
    attempts: number,
    begun: number,
    attemptStarted: number,
  ): Promise<void> {
    const finished = this.timing.now();
    const headers = keptHeaders(result.headers);
    const inputRecord =
      prepared.kind === 'url'
        ? { url: prepared.url }
        : { path: this.shownInput(job), size: prepared.upload.size, mtimeMs: prepared.mtimeMs, sha256: result.inputSha256 ?? '' };
    await writeSidecar(job.outputPath, {
      version: 1,
      input: inputRecord,
      request: this.signature(job),
      response: { status: result.status, headers, contentType: result.headers['content-type'] ?? '' },
      attempts,
      durationsMs: { total: Math.round(finished - begun), lastAttempt: Math.round(finished - attemptStarted) },
      output: { path: path.basename(job.outputPath), size: result.output.bytes, sha256: result.output.sha256 },
      cli: { version: VERSION },
      completedAt: new Date(this.timing.wallClock()).toISOString(),
    });
    const unsupported = headers['pr-unsupported-attributes'];
    if (unsupported) this.unsupported.set(unsupported, (this.unsupported.get(unsupported) ?? 0) + 1);
    this.counts.ok += 1;
    await this.report({
      type: 'result',
      input: this.shownInput(job),
      output: this.shown(job.outputPath),
      status: 'ok',
      httpStatus: result.status,
      attempts,
      ms: Math.round(finished - begun),
      headers,
    });
  }

  private async fail(job: Job, error: string, attempts: number, begun: number, httpStatus?: number): Promise<void> {
    this.counts.failed += 1;
    this.failures.push({ input: this.shownInput(job), error });
    await this.report({
      type: 'result',
      input: this.shownInput(job),
      output: this.shown(job.outputPath),
      status: 'failed',
      error,
      ...(httpStatus !== undefined && { httpStatus }),
      attempts,
      ms: Math.round(this.timing.now() - begun),
    });
  }

  private async notProcessed(job: Job): Promise<void> {
    this.counts.notProcessed += 1;
    await this.runLog?.append({ time: new Date(this.timing.wallClock()).toISOString(), input: this.shownInput(job), output: this.shown(job.outputPath), status: 'not-processed' });
  }

  /** Emits a result and appends it to the run log. */
  private async report(event: ResultEvent): Promise<void> {
    if (event.status === 'skipped') this.counts.skipped += 1;
    this.emit(event);
    const { type: _type, headers: _headers, ...line } = event;
    await this.runLog?.append({ time: new Date(this.timing.wallClock()).toISOString(), ...line });
  }

  private finish(stop: StopEvent | null = null): SummaryEvent {
    if (stop) this.stop(stop);
    const reason = this.stopped?.reason;
    const exitCode =
      reason === 'credits' || reason === 'key' ? EXIT.apiRefusedRun
      : reason === 'interrupted' ? EXIT.interrupted
      : this.counts.failed > 0 || reason === 'cancelled' || reason === 'unavailable' ? EXIT.someInputsFailed
      : EXIT.ok;
    const summary: SummaryEvent = {
      type: 'summary',
      ok: this.counts.ok,
      skipped: this.counts.skipped,
      failed: this.counts.failed,
      notProcessed: this.counts.notProcessed,
      ignored: { ...this.ignored },
      failures: this.failures,
      unsupportedAttributes: [...this.unsupported].map(([value, count]) => ({ value, count })),
      ...(reason && { stopped: reason }),
      requests: this.counts.requests,
      rateLimited: this.counts.rateLimited,
      ms: Math.round(this.timing.now() - this.started),
      exitCode,
    };
    this.emit(summary);
    return summary;
  }
}
