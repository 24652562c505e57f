/**
 * The batch engine: discover and plan every input (resume decisions included), guard the
 * account's credits, then run a concurrency-limited queue with rate limiting and retries,
 * stopping new work when the API refuses the run. It reports only through events.
 */
import { EventEmitter } from 'node:events';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Client } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { retryDelay, shouldRetry } from '../api/retry.js';
import { EXIT, UserError } from '../errors.js';
import { discoverInputs, type DiscoveredInput, type DiscoverOptions } from '../inputs/discover.js';
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
import { VERSION } from '../version.js';
import { curlCommand } from './curl.js';
import type { BatchEvent, Failure, IgnoreReason, ResultEvent, StopEvent, SummaryEvent } from './events.js';
import { sendOnce } from './execute.js';
import { checkNameTemplate, OutputNamer, outputExtension } from './plan.js';
import { createRateLimiter, type RateLimiter } from './rate.js';
import { Throttle } from './throttle.js';
import { isAlreadyDone } from './resume.js';

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

interface Job {
  input: DiscoveredInput;
  outputPath: string;
  /** The input and output as shown to the user. */
  shownInput: string;
  shownOutput: string;
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

/** A service is only declared down after this many failures in a row, however long they took. */
const FAILURES_BEFORE_GIVING_UP = 3;
const DEFAULT_GIVE_UP_AFTER_MS = 120_000;


function noIgnores(): Record<IgnoreReason, number> {
  return { hidden: 0, 'not-an-image': 0, 'output-folder': 0, excluded: 0 };
}

/** Relative to the working folder when inside it, absolute otherwise. */
export function displayPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
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
    const { jobs, skipped } = await this.plan();
    const capped = options.maxImages !== undefined ? jobs.slice(0, options.maxImages) : jobs;
    this.counts.notProcessed += jobs.length - capped.length;

    if (!options.dryRun && capped.length > 0) {
      const refusal = await this.guard(capped.length);
      if (refusal) {
        this.counts.notProcessed += capped.length;
        return this.finish(refusal);
      }
    }
    this.emit({ type: 'start', total: capped.length, skipped: skipped.length, ignored: { ...this.ignored }, dryRun: Boolean(options.dryRun) });
    if (!options.dryRun) this.runLog = await openRunLog(options.outDir);
    for (const event of skipped) this.report(event);
    if (options.dryRun) {
      for (const job of capped) this.emitPlan(job);
      return this.finish();
    }

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
    await Promise.all(capped.map((job) => limit(() => this.process(job))));
    await this.runLog?.close();
    return this.finish();
  }

  /** Local files named by parameters are part of the signature by content. */
  private async signatureOf(fields: readonly Field[]): Promise<RequestSignature['fields']> {
    return Promise.all(
      fields.map(async ([name, value]): Promise<RequestSignature['fields'][number]> =>
        typeof value === 'string' ? [name, value] : [name, { file: path.basename(value.file), sha256: await hashFile(value.file) }],
      ),
    );
  }

  private signature(input: DiscoveredInput): RequestSignature {
    const method = this.options.endpoint === 'edit' && input.kind === 'url' ? 'GET' : 'POST';
    return { endpoint: ENDPOINT_PATH[this.options.endpoint], method, fields: this.signatureFields };
  }

  /** Discovery, output names and resume decisions, before anything is sent. */
  private async plan(): Promise<{ jobs: Job[]; skipped: ResultEvent[] }> {
    const { options } = this;
    const namer = new OutputNamer(options.outDir, outputExtension(options.endpoint, options.params), options.nameTemplate);
    const jobs: Job[] = [];
    const skipped: ResultEvent[] = [];
    let urlInputs = 0;
    const inputPaths = new Set<string>();
    /** Output path → the input it is for, to check that no output lands on an input. */
    const outputs = new Map<string, string>();
    for await (const item of discoverInputs({ ...options, extensions: IMAGE_EXTENSIONS })) {
      if (item.kind === 'ignored') {
        this.ignored[item.reason] += 1;
        continue;
      }
      if (item.kind === 'warning') {
        this.emit({ type: 'warning', message: item.message });
        continue;
      }
      if (item.kind === 'url') {
        if (options.endpoint === 'segment') throw new UserError(`${item.url}: /v1/segment takes uploaded files only; download the image or use \`photoroom edit\``);
        urlInputs += 1;
      }
      const planned = namer.claim(item.relative);
      if (item.kind === 'file') inputPaths.add(item.path);
      outputs.set(planned.path, item.display);
      const job: Job = {
        input: item,
        outputPath: planned.path,
        shownInput: item.display,
        shownOutput: displayPath(options.cwd, planned.path),
      };
      if (planned.collidedWith) {
        this.emit({
          type: 'warning',
          input: job.shownInput,
          message: `${job.shownInput} would also write ${displayPath(options.cwd, planned.collidedWith)}; writing ${job.shownOutput} instead`,
        });
      }
      const current = item.kind === 'file' ? { kind: 'file' as const, path: item.path } : { kind: 'url' as const, url: item.url };
      if (!options.overwrite && (await isAlreadyDone(job.outputPath, current, this.signature(item)))) {
        skipped.push({ type: 'result', input: job.shownInput, output: job.shownOutput, status: 'skipped', attempts: 0, ms: 0 });
      } else {
        jobs.push(job);
      }
    }
    for (const [output, input] of outputs) {
      if (inputPaths.has(output)) {
        throw new UserError(`${input} would be written over the input ${displayPath(options.cwd, output)}; inputs are never modified: choose another --out folder`);
      }
    }
    if (urlInputs > 0) {
      // Parameters were validated for uploads (POST); URL inputs go by GET, which carries no files.
      const problems = checkCrossFieldRules(options.params, { method: 'GET', hasInputImage: true });
      if (problems.length > 0) throw new UserError(problems);
    }
    return { jobs, skipped };
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

  private async process(job: Job): Promise<void> {
    const begun = this.timing.now();
    const { throttle, limit } = this.queue;
    if (job.input.kind === 'file') {
      // Bad files are reported with their own reason and never uploaded.
      const upscaleMode = this.options.params.get('upscale.mode') as UpscaleMode | undefined;
      const check = await checkInputFile(job.input.path, { endpoint: this.options.endpoint, upscaleMode });
      if (!check.ok) return this.fail(job, check.reason, 0, begun);
    }
    for (let attempt = 1; ; attempt++) {
      if (!(await this.readyToSend())) return this.notProcessed(job);
      const attemptStarted = this.timing.now();
      this.counts.requests += 1;
      try {
        const result = await sendOnce(this.options.client, this.options.endpoint, job.input, this.fields, job.outputPath);
        throttle.succeeded();
        limit.concurrency = throttle.concurrency;
        this.queue.lastSuccessAt = this.timing.now();
        this.queue.failuresSinceSuccess = 0;
        await this.recordSuccess(job, result, attempt, begun, attemptStarted);
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
        this.emit({ type: 'retry', input: job.shownInput, attempt, delayMs, error: error.message });
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

  private async recordSuccess(
    job: Job,
    result: Awaited<ReturnType<typeof sendOnce>>,
    attempts: number,
    begun: number,
    attemptStarted: number,
  ): Promise<void> {
    const finished = this.timing.now();
    const headers = keptHeaders(result.headers);
    const { input } = job;
    const inputRecord =
      input.kind === 'url'
        ? { url: input.url }
        : await stat(input.path).then(async (info) => ({
            path: job.shownInput,
            size: info.size,
            mtimeMs: info.mtimeMs,
            sha256: await hashFile(input.path),
          }));
    await writeSidecar(job.outputPath, {
      version: 1,
      input: inputRecord,
      request: this.signature(input),
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
    this.report({
      type: 'result',
      input: job.shownInput,
      output: job.shownOutput,
      status: 'ok',
      httpStatus: result.status,
      attempts,
      ms: Math.round(finished - begun),
      headers,
    });
  }

  private fail(job: Job, error: string, attempts: number, begun: number, httpStatus?: number): void {
    this.counts.failed += 1;
    this.failures.push({ input: job.shownInput, error });
    this.report({
      type: 'result',
      input: job.shownInput,
      output: job.shownOutput,
      status: 'failed',
      error,
      ...(httpStatus !== undefined && { httpStatus }),
      attempts,
      ms: Math.round(this.timing.now() - begun),
    });
  }

  private notProcessed(job: Job): void {
    this.counts.notProcessed += 1;
    this.runLog?.append({ time: new Date(this.timing.wallClock()).toISOString(), input: job.shownInput, output: job.shownOutput, status: 'not-processed' });
  }

  /** Emits a result and appends it to the run log. */
  private report(event: ResultEvent): void {
    if (event.status === 'skipped') this.counts.skipped += 1;
    const { type: _type, headers: _headers, ...line } = event;
    this.runLog?.append({ time: new Date(this.timing.wallClock()).toISOString(), ...line });
    this.emit(event);
  }

  private emitPlan(job: Job): void {
    const { client, endpoint } = this.options;
    const { input } = job;
    const method = endpoint === 'edit' && input.kind === 'url' ? 'GET' : 'POST';
    const url = endpoint === 'segment' ? client.urls.segment : client.urls.edit;
    const fields: Field[] = input.kind === 'url' ? [['imageUrl', input.url], ...this.fields] : this.fields;
    this.emit({
      type: 'plan',
      input: job.shownInput,
      output: job.shownOutput,
      method,
      url: method === 'GET' && input.kind === 'url' ? `${url}?${toQueryString(input.url, this.fields)}` : url,
      fields: fields.map(([name, value]) => [name, typeof value === 'string' ? value : `@${value.file}`]),
      curl: curlCommand({
        method,
        url,
        upload: input.kind === 'file' ? { field: endpoint === 'edit' ? 'imageFile' : 'image_file', file: job.shownInput } : undefined,
        fields,
        outputPath: job.shownOutput,
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
