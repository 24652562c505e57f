/**
 * The batch engine: discover and plan every input (resume decisions included), guard the
 * account's credits, then run a concurrency-limited queue with rate limiting and retries,
 * stopping new work when the API refuses the run. It reports only through events.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Client } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { retryDelay, shouldRetry } from '../api/retry.js';
import { EXIT, UserError } from '../errors.js';
import { resolveInputs, type DiscoveredInput, type DiscoverOptions, type ResolvedInputs } from '../inputs/discover.js';
import { IMAGE_EXTENSIONS, type UpscaleMode } from '../inputs/formats.js';
import { checkInputFile } from '../inputs/sniff.js';
import { encodeFields, toQueryString, type Field } from '../params/encode.js';
import { ENDPOINT_PATH } from '../params/endpoints.js';
import type { ParamSet } from '../params/paramset.js';
import { checkCrossFieldRules } from '../params/rules.js';
import type { Endpoint } from '../params/types.js';
import { hashFile } from '../store/hash.js';
import { removeStaleTemporaryFiles } from '../store/cleanup.js';
import { openRunLog, type RunLog } from '../store/runlog.js';
import { keptHeaders, writeSidecar, type RequestSignature } from '../store/sidecar.js';
import { displayPath, relativeInside } from '../paths.js';
import { VERSION } from '../version.js';
import { curlCommand } from './curl.js';
import type { BatchEvent, Failure, IgnoreReason, ResultEvent, StopEvent, SummaryEvent } from './events.js';
import { sendOnce, type Sendable } from './execute.js';
import { isUrlJob, type Job } from './jobs.js';
import { checkNameTemplate, OutputNamer, outputExtension } from './plan.js';
import { createRateLimiter, type RateLimiter } from './rate.js';
import { Throttle } from './throttle.js';
import { createResumeCheck } from './resume.js';

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


function noIgnores(): Record<IgnoreReason, number> {
  return { hidden: 0, 'not-an-image': 0, 'output-folder': 0, excluded: 0 };
}

function isInside(file: string, folder: string): boolean {
  return Boolean(relativeInside(file, folder));
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

class Batch {
  private readonly timing: BatchTiming;
  private readonly ignored = noIgnores();
  private readonly failures: Failure[] = [];
  private readonly unsupported = new Map<string, number>();
  private readonly counts = { ok: 0, skipped: 0, failed: 0, notProcessed: 0, requests: 0, rateLimited: 0 };
  private stopped: StopEvent | null = null;
  private wakeStopped: () => void = () => {};
  private readonly stoppedSignal = new Promise<void>((resolve) => (this.wakeStopped = resolve));
  private fields: Field[] = [];
  private signatureFields: RequestSignature['fields'] = [];
  private runLog: RunLog | null = null;
  /** Inputs whose natural output name was taken (usually none): source → output path. */
  private readonly renamed = new Map<string, string>();
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
    const inputs = await resolveInputs({ ...options, extensions: IMAGE_EXTENSIONS });
    const survey = await this.survey(inputs);
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
    const toSend = this.toSend(inputs, survey.done, total);
    if (options.dryRun) {
      for await (const job of toSend) this.emitPlan(job);
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
    return isUrlJob(job) ? job.source : this.shown(job.source);
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

  /**
   * Walks the inputs, naming each one's output in discovery order (stable between walks, so
   * every walk names the same). Only the survey counts what is ignored and warns.
   */
  private async *walk(inputs: ResolvedInputs, survey: OutputNamer | null): AsyncGenerator<{ job: Job; item: DiscoveredInput }> {
    const namer = survey ?? this.namer();
    for await (const item of inputs.items()) {
      if (item.kind === 'ignored') {
        if (survey) this.ignored[item.reason] += 1;
      } else if (item.kind === 'warning') {
        if (survey) this.emit({ type: 'warning', message: item.message });
      } else {
        const source = item.kind === 'url' ? item.url : item.path;
        yield { job: { source, outputPath: survey ? this.claim(survey, item, source) : (this.renamed.get(source) ?? namer.nameFor(item.relative)) }, item };
      }
    }
  }

  /** The survey decides every output name; a renamed one is kept for the later walks. */
  private claim(namer: OutputNamer, item: DiscoveredInput, source: string): string {
    const planned = namer.claim(item.relative);
    if (planned.collidedWith) {
      this.renamed.set(source, planned.path);
      this.emit({
        type: 'warning',
        input: item.display,
        message: `${item.display} would also write ${this.shown(planned.collidedWith)}; writing ${this.shown(planned.path)} instead`,
      });
    }
    return planned.path;
  }

  private namer(): OutputNamer {
    const { options } = this;
    return new OutputNamer(options.outDir, outputExtension(options.endpoint, options.params), options.nameTemplate);
  }

  /**
   * The first walk, before anything is sent: what is already done (resume), how much is
   * left (for the credits check and the progress total), and every check that can refuse
   * the run. It keeps counts and the outputs already done, not the work list: the second
   * walk feeds the queue, so memory stays flat however many inputs there are.
   */
  private async survey(inputs: ResolvedInputs): Promise<{ pending: number; done: Set<string> }> {
    const { options } = this;
    const isAlreadyDone = createResumeCheck();
    const done = new Set<string>();
    const namer = this.namer();
    /** Inputs inside the output folder (usually none): no output may land on one. */
    const inputsInOutput: string[] = [];
    let pending = 0;
    let urlInputs = 0;
    for await (const { job, item } of this.walk(inputs, namer)) {
      if (item.kind === 'url') {
        if (options.endpoint === 'segment') throw new UserError(`${item.url}: /v1/segment takes uploaded files only; download the image or use \`photoroom edit\``);
        urlInputs += 1;
      } else if (isInside(item.path, options.outDir)) {
        inputsInOutput.push(item.path);
      }
      const verdict = !options.overwrite && isAlreadyDone(job.outputPath, item, () => this.signature(job));
      // Awaited only when there is something to read: most inputs are decided without a promise.
      if (verdict !== false && (await verdict)) done.add(job.outputPath);
      else pending += 1;
    }
    const overwritten = inputsInOutput.find((input) => namer.isTaken(input));
    if (overwritten) await this.refuseOverwriting(inputs, overwritten);
    if (urlInputs > 0) {
      // Parameters were validated for uploads (POST); URL inputs go by GET, which carries no files.
      const problems = checkCrossFieldRules(options.params, { method: 'GET', hasInputImage: true });
      if (problems.length > 0) throw new UserError(problems);
    }
    return { pending, done };
  }

  /** Names the input whose output would land on `input` (a third walk: this is the error path). */
  private async refuseOverwriting(inputs: ResolvedInputs, input: string): Promise<never> {
    let writer = 'an input';
    for await (const { job } of this.walk(inputs, null)) {
      if (job.outputPath.toLowerCase() === input.toLowerCase()) writer = this.shownInput(job);
    }
    throw new UserError(`${writer} would be written over the input ${this.shown(input)}; inputs are never modified: choose another --out folder`);
  }

  /** The second walk: reports what is already done, and yields up to `limit` jobs to send. */
  private async *toSend(inputs: ResolvedInputs, done: ReadonlySet<string>, limit: number): AsyncGenerator<Job> {
    let sent = 0;
    for await (const { job } of this.walk(inputs, null)) {
      if (done.has(job.outputPath)) {
        await this.report({ type: 'result', input: this.shownInput(job), output: this.shown(job.outputPath), status: 'skipped', attempts: 0, ms: 0 });
      } else if (sent < limit) {
        sent += 1;
        yield job;
      }
    }
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

  private emitPlan(job: Job): void {
    const { client, endpoint } = this.options;
    const byUrl = isUrlJob(job);
    const method = endpoint === 'edit' && byUrl ? 'GET' : 'POST';
    const url = endpoint === 'segment' ? client.urls.segment : client.urls.edit;
    const fields: Field[] = byUrl ? [['imageUrl', job.source], ...this.fields] : this.fields;
    this.emit({
      type: 'plan',
      input: this.shownInput(job),
      output: this.shown(job.outputPath),
      method,
      url: byUrl ? `${url}?${toQueryString(job.source, this.fields)}` : url,
      fields: fields.map(([name, value]) => [name, typeof value === 'string' ? value : `@${value.file}`]),
      curl: curlCommand({
        method,
        url,
        upload: byUrl ? undefined : { field: endpoint === 'edit' ? 'imageFile' : 'image_file', file: this.shownInput(job) },
        fields,
        outputPath: this.shown(job.outputPath),
      }),
    });
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
