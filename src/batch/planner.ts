/**
 * Planning a batch: which inputs there are, where each one's result goes, and which are
 * already done. Two walks over the same inputs: the survey (before anything is sent)
 * counts and decides, the second walk streams the work into the queue, so no work list is
 * ever held, however many inputs there are.
 */
import path from 'node:path';
import { UserError } from '../errors.js';
import { noneIgnored, type DiscoveredInput, type IgnoreReason, type ResolvedInputs } from '../inputs/discover.js';
import { inShard, type Shard } from '../inputs/shard.js';
import type { ParamSet } from '../params/paramset.js';
import { checkCrossFieldRules } from '../params/rules.js';
import type { Endpoint } from '../params/types.js';
import { displayInput, displayPath, relativeInside } from '../paths.js';
import { folderLeavingRoot } from '../store/outputs.js';
import type { StateLayout } from '../store/layout.js';
import type { Results } from '../store/results.js';
import type { RequestSignature } from '../store/sidecar.js';
import type { IgnoredEvent, WarningEvent } from './events.js';
import { jobOf, sourceOf, type Job } from './jobs.js';
import { BESIDE_INPUT, OutputNamer, outputExtension } from './output-names.js';
import { createResumeCheck } from './resume.js';
import { BoundedWaits } from './bounded-waits.js';

export interface PlannerOptions {
  endpoint: Endpoint;
  params: ParamSet;
  /** Where outputs and their records go (real paths, or `s3://bucket/prefix`). */
  layout: StateLayout;
  /** What holds the outputs and their sidecars, for resume (the local file system when not given). */
  results?: Results;
  /** The one output of a one-input run (`-o mug-white.png`), instead of names in the output folder. */
  outputFile?: string;
  /** How the user named it, for messages (`-o mug-white.png`, `-o -`). */
  outputFileLabel?: string;
  cwd: string;
  nameTemplate?: string;
  /** Plan every input as not done. */
  overwrite?: boolean;
  /** Take only this shard's inputs. */
  shard?: Shard;
  /** The request an input's job would send: compared with its sidecar for resume. */
  signature: (job: Job) => RequestSignature;
  /** Why the API would refuse this job's request (checked before anything is sent), or null. */
  refusal?: (job: Job) => string | null;
  /** Remember every input's output name (for --watch, which meets inputs again after the survey). */
  rememberNames?: boolean;
  /** Told of warnings, and of each file left out (the first walk only). */
  notify: (event: WarningEvent | IgnoredEvent) => void;
}

/**
 * Sidecars read at once while the survey decides what is done: a bucket answers each read in
 * tens of milliseconds, and one at a time a rerun over 10,000 finished inputs would wait
 * minutes before sending nothing.
 */
const VERDICTS_AT_ONCE = 32;

/** Problems listed one by one before the rest are counted. */
const LISTED_PROBLEMS = 10;

export interface Survey {
  /** Inputs still to send. */
  pending: number;
  /** With a shard: this shard's part of every shard's inputs (they share the account's rate limit in that proportion). */
  shareOfInputs?: number;
  /** Output paths of the inputs already done. */
  done: ReadonlySet<string>;
  ignored: Record<IgnoreReason, number>;
}

export class Planner {
  /** Inputs whose natural output name was taken (usually none): source → output path. */
  private readonly renamed = new Map<string, string>();
  /** Every input's output name, with rememberNames (--watch) and for files met after the survey. */
  private readonly names = new Map<string, string>();
  /** The names claimed by the survey, which later files must not take. */
  private surveyNamer: OutputNamer | null = null;

  constructor(
    private readonly inputs: ResolvedInputs,
    private readonly options: PlannerOptions,
  ) {}

  /**
   * The first walk, before anything is sent: what is already done (resume), how much is
   * left (for the credits check and the progress total), and every check that can refuse
   * the run. It keeps counts and the outputs already done, not the work list.
   */
  async survey(): Promise<Survey> {
    const { options } = this;
    const { outDir } = options.layout;
    const isAlreadyDone = createResumeCheck(options.layout, options.results);
    const done = new Set<string>();
    const namer = this.namer();
    this.surveyNamer = namer;
    const ignored: Record<IgnoreReason, number> = noneIgnored();
    /** Real paths (or URIs) of inputs inside the output folder or prefix (usually none): no output may land on one. */
    const inputsInOutput: string[] = [];
    const outputFolders = new Set<string>();
    const problems: string[] = [];
    let pending = 0;
    const verdicts = new BoundedWaits(VERDICTS_AT_ONCE);
    let urlInputs = 0;
    let fileInputs = 0;
    let everyShards = 0;
    for await (const { job, item, mine } of this.walk(namer, ignored)) {
      everyShards += 1;
      // Another shard's output must not land on this shard's input either.
      if (item.kind === 'file' && relativeInside(item.real, outDir) !== null) inputsInOutput.push(item.real);
      // An object under an output prefix (`edit s3://b/p/ -o s3://b/p/`): a string test, as paths would collapse `//`.
      if (item.kind === 'object' && item.uri.startsWith(`${outDir}/`)) inputsInOutput.push(item.uri);
      if (!mine) continue;
      if (options.outputFile && urlInputs + fileInputs === 1) {
        throw new UserError(
          `${options.outputFileLabel ?? displayPath(options.cwd, options.outputFile)} names one output file, but there is more than one input (${item.display} too); give -o a folder`,
        );
      }
      if (item.kind === 'url') {
        if (options.endpoint === 'segment') {
          throw new UserError(
            `${item.url}: /v1/segment takes uploaded files only; download the image or use \`photoroom edit\``,
          );
        }
        urlInputs += 1;
      } else {
        fileInputs += 1;
      }
      const refusal = options.refusal?.(job);
      if (refusal) problems.push(`${item.display}: ${refusal}`);
      const folder = path.dirname(job.outputPath);
      // Symbolic links are a local folder's: a bucket has none.
      if (options.results?.local !== false && !outputFolders.has(folder)) {
        outputFolders.add(folder);
        const leadsTo = await folderLeavingRoot(folder, outDir);
        if (leadsTo)
          problems.push(
            `${displayPath(options.cwd, folder)} is a symbolic link out of the output folder (to ${leadsTo}); outputs are never written through it: remove the link, or choose another --out folder`,
          );
      }
      const verdict = !options.overwrite && isAlreadyDone(job.outputPath, item, () => options.signature(job));
      // A promise only when there is something to read: most inputs are decided without one.
      if (verdict === false) pending += 1;
      else
        await verdicts.add(
          verdict.then((isDone) => {
            if (isDone) done.add(job.outputPath);
            else pending += 1;
          }),
        );
    }
    await verdicts.drain();
    if (problems.length > 0) throw new UserError(listed(problems));
    const landsOn = (input: string) => (options.outputFile ? input === options.outputFile : namer.isTaken(input));
    const overwritten = inputsInOutput.find(landsOn);
    if (overwritten) await this.refuseOverwriting(overwritten);
    // /v2/edit uploads files by POST and sends URLs by GET: each method takes its own parameters.
    const methods =
      options.endpoint === 'edit'
        ? [...(fileInputs > 0 ? ['POST' as const] : []), ...(urlInputs > 0 ? ['GET' as const] : [])]
        : [];
    const ruleProblems = [
      ...new Set(methods.flatMap((method) => checkCrossFieldRules(options.params, { method, hasInputImage: true }))),
    ];
    if (ruleProblems.length > 0) throw new UserError(ruleProblems);
    const shareOfInputs = options.shard && everyShards > 0 ? (urlInputs + fileInputs) / everyShards : undefined;
    return { pending, done, ignored, ...(shareOfInputs !== undefined && { shareOfInputs }) };
  }

  /** The second walk: hands each input already done to `skip`, and yields up to `limit` jobs to send. */
  async *toSend(survey: Survey, limit: number, skip: (job: Job) => void | Promise<void>): AsyncGenerator<Job> {
    let sent = 0;
    for await (const { job } of this.walk(null, null)) {
      if (survey.done.has(job.outputPath)) await skip(job);
      else if (sent < limit) {
        sent += 1;
        yield job;
      }
    }
  }

  /**
   * Walks the inputs, naming each one's output in discovery order (stable between walks).
   * The survey's walk claims every name, counts what is ignored and warns; later walks
   * reuse its names. With a shard, later walks skip other shards' inputs before anything
   * else; the survey still names them (`mine` false), so that every shard gives every
   * input the same name and two shards never write the same file.
   */
  private async *walk(
    survey: OutputNamer | null,
    ignored: Record<IgnoreReason, number> | null,
  ): AsyncGenerator<{ job: Job; item: DiscoveredInput; mine: boolean }> {
    const namer = survey ?? this.namer();
    const { shard } = this.options;
    for await (const item of this.inputs.items()) {
      if (item.kind === 'ignored') {
        if (!ignored) continue;
        ignored[item.reason] += 1;
        this.options.notify({ type: 'ignored', input: displayPath(this.options.cwd, item.path), reason: item.reason });
      } else if (item.kind === 'warning') {
        if (survey) this.options.notify({ type: 'warning', message: item.message });
      } else {
        const mine = !shard || inShard(shard, item);
        if (!mine && !survey) continue;
        const source = sourceOf(item);
        const outputPath =
          this.options.outputFile ??
          (survey
            ? this.claim(survey, item, source, mine)
            : (this.renamed.get(source) ?? namer.nameFor(item.relative)));
        yield { job: jobOf(item, outputPath), item, mine };
      }
    }
  }

  /**
   * The job of a file met after the survey (--watch): the output name it was given then, or
   * a new one claimed against every name given so far.
   */
  jobFor(item: DiscoveredInput): Job {
    const source = sourceOf(item);
    const known = this.names.get(source) ?? this.renamed.get(source);
    if (known) return jobOf(item, known);
    const outputPath = this.claim(this.surveyNamer ?? this.namer(), item, source, true);
    this.names.set(source, outputPath);
    return jobOf(item, outputPath);
  }

  private claim(namer: OutputNamer, item: DiscoveredInput, source: string, mine: boolean): string {
    const planned = namer.claim(item.relative);
    if (this.options.rememberNames) this.names.set(source, planned.path);
    if (planned.collidedWith && mine) {
      this.renamed.set(source, planned.path);
      const shown = (file: string) => displayPath(this.options.cwd, file);
      this.options.notify({
        type: 'warning',
        input: item.display,
        message: `${item.display} would also write ${shown(planned.collidedWith)}; writing ${shown(planned.path)} instead`,
      });
    }
    return planned.path;
  }

  private namer(): OutputNamer {
    const { options } = this;
    return new OutputNamer(
      options.layout.outDir,
      outputExtension(options.endpoint, options.params),
      options.nameTemplate,
    );
  }

  /** Names the input whose output would land on `input` (a third walk: this is the error path). */
  private async refuseOverwriting(input: string): Promise<never> {
    const { cwd } = this.options;
    if (this.options.outputFile) {
      throw new UserError(
        `${this.options.outputFileLabel ?? '-o'} is the input itself; inputs are never modified: name another output file`,
      );
    }
    let writer = 'an input';
    for await (const { job } of this.walk(null, null)) {
      if (job.outputPath.toLowerCase() === input.toLowerCase()) writer = displayInput(cwd, job.source);
    }
    throw new UserError(
      `${writer} would be written over the input ${displayPath(cwd, input)}; inputs are never modified: choose another --out folder, or write beside the input under another name with --name '${BESIDE_INPUT}'`,
    );
  }
}

function listed(problems: readonly string[]): string[] {
  const shown = problems.slice(0, LISTED_PROBLEMS);
  return problems.length > shown.length ? [...shown, `... and ${problems.length - shown.length} more`] : shown;
}
