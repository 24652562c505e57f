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

/**
 * Surveys at most this many times: each one after the first names again with the outputs the
 * one before found holding another input's result reserved for that input (inputs added or
 * removed beside one with the same output name; usually no second survey at all).
 */
const MAX_SURVEYS = 4;

export interface Survey {
  /** Inputs still to send. */
  pending: number;
  /** With a shard: this shard's part of every shard's inputs (they share the account's rate limit in that proportion). */
  shareOfInputs?: number;
  /** Output paths of the inputs already done. */
  done: ReadonlySet<string>;
  ignored: Record<IgnoreReason, number>;
}

/** An input whose natural output name was taken, and the name it got instead. */
interface Renamed {
  path: string;
  collidedWith: string;
  display: string;
}

export class Planner {
  /** Inputs whose natural output name was taken (usually none): source → where it goes instead. */
  private readonly renamed = new Map<string, Renamed>();
  /** Every input's output name, with rememberNames (--watch) and for files met after the survey. */
  private readonly names = new Map<string, string>();
  /** The names claimed by the survey, which later files must not take. */
  private surveyNamer: OutputNamer | null = null;
  /** Outputs that hold another input's result, found by the survey: lower-cased path → that input. */
  private readonly reserved = new Map<string, string>();
  /** Lower-cased real paths of the inputs inside the output folder, the survey's and the watch's: no output lands on one. */
  private readonly inputsInOutput = new Set<string>();

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
    for (let count = 1; ; count++) {
      const { survey, displaced } = await this.surveyOnce(count === 1);
      const found = [...displaced].filter(([output]) => !this.reserved.has(output));
      if (found.length === 0 || count === MAX_SURVEYS) {
        this.announceRenames();
        return survey;
      }
      for (const [output, owner] of found) this.reserved.set(output, owner);
    }
  }

  /**
   * One survey. `displaced`: outputs whose record names another input (lower-cased path →
   * that input): a rerun would write over a result it did not make.
   */
  private async surveyOnce(first: boolean): Promise<{ survey: Survey; displaced: Map<string, string> }> {
    const { options } = this;
    const { outDir } = options.layout;
    const isAlreadyDone = createResumeCheck(options.layout, options.results);
    const done = new Set<string>();
    const displaced = new Map<string, string>();
    this.renamed.clear();
    this.names.clear();
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
    for await (const { job, item, mine } of this.walk(namer, ignored, first)) {
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
      const verdict = options.overwrite ? 'redo' : isAlreadyDone(job.outputPath, item, () => options.signature(job));
      // A promise only when there is something to read: most inputs are decided without one.
      if (verdict === 'redo') pending += 1;
      else
        await verdicts.add(
          verdict.then((found) => {
            if (found === 'done') done.add(job.outputPath);
            else pending += 1;
            if (typeof found === 'object') displaced.set(job.outputPath.toLowerCase(), found.owner);
          }),
        );
    }
    await verdicts.drain();
    if (problems.length > 0) throw new UserError(listed(problems));
    const landsOn = (input: string) => (options.outputFile ? input === options.outputFile : namer.isTaken(input));
    this.inputsInOutput.clear();
    for (const input of inputsInOutput) this.inputsInOutput.add(input.toLowerCase());
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
    return { survey: { pending, done, ignored, ...(shareOfInputs !== undefined && { shareOfInputs }) }, displaced };
  }

  /** Says, once the survey has settled the names, which inputs write under another name than their own. */
  private announceRenames(): void {
    for (const renamed of this.renamed.values()) this.announceRename(renamed);
  }

  private announceRename({ path: written, collidedWith, display }: Renamed): void {
    const shown = (file: string) => displayPath(this.options.cwd, file);
    this.options.notify({
      type: 'warning',
      input: display,
      message: `${display} would also write ${shown(collidedWith)}; writing ${shown(written)} instead`,
    });
  }

  /** The second walk: hands each input already done to `skip`, and yields up to `limit` jobs to send. */
  async *toSend(survey: Survey, limit: number, skip: (job: Job) => void | Promise<void>): AsyncGenerator<Job> {
    let sent = 0;
    for await (const { job } of this.walk(null, null, false)) {
      if (survey.done.has(job.outputPath)) await skip(job);
      else if (sent < limit) {
        sent += 1;
        yield job;
      }
    }
  }

  /**
   * Walks the inputs, naming each one's output in discovery order (stable between walks).
   * The survey's walk claims every name and counts what is ignored (and, with `tell`, says
   * what discovery left out or warned of); later walks reuse its names. With a shard, later
   * walks skip other shards' inputs before anything else; the survey still names them (`mine`
   * false), so that every shard gives every input the same name and two shards never write
   * the same file.
   */
  private async *walk(
    survey: OutputNamer | null,
    ignored: Record<IgnoreReason, number> | null,
    tell: boolean,
  ): AsyncGenerator<{ job: Job; item: DiscoveredInput; mine: boolean }> {
    const namer = survey ?? this.namer();
    const { shard } = this.options;
    for await (const item of this.inputs.items()) {
      if (item.kind === 'ignored') {
        if (!ignored) continue;
        ignored[item.reason] += 1;
        if (tell)
          this.options.notify({
            type: 'ignored',
            input: displayPath(this.options.cwd, item.path),
            reason: item.reason,
          });
      } else if (item.kind === 'warning') {
        if (tell) this.options.notify({ type: 'warning', message: item.message });
      } else {
        const mine = !shard || inShard(shard, item);
        if (!mine && !survey) continue;
        const source = sourceOf(item);
        const outputPath =
          this.options.outputFile ??
          (survey
            ? this.claim(survey, item, source, mine)
            : (this.renamed.get(source)?.path ?? namer.nameFor(item.relative)));
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
    if (item.kind === 'file' && relativeInside(item.real, this.options.layout.outDir) !== null)
      this.inputsInOutput.add(item.real.toLowerCase());
    const known = this.names.get(source) ?? this.renamed.get(source)?.path;
    if (known) return jobOf(item, known);
    const outputPath = this.claim(this.surveyNamer ?? this.namer(), item, source, true);
    this.names.set(source, outputPath);
    const renamed = this.renamed.get(source);
    if (renamed) this.announceRename(renamed);
    return jobOf(item, outputPath);
  }

  /**
   * Why a job met after the survey (--watch) must not be sent: its output would land on its
   * own input or on another input (compared as the survey compares them), or null. Asked
   * when its turn comes, so that inputs met meanwhile count too.
   */
  overwriteRefusal(job: Job, item: DiscoveredInput): string | null {
    const output = job.outputPath.toLowerCase();
    const shown = displayPath(this.options.cwd, job.outputPath);
    if (item.kind === 'file' && (item.real.toLowerCase() === output || item.path.toLowerCase() === output))
      return `its result would be written over the input itself (${shown}); ${this.overwriteAdvice()}`;
    if (this.inputsInOutput.has(output))
      return `its result would be written over the input ${shown}; ${this.overwriteAdvice()}`;
    return null;
  }

  /** Names an input's output; one that cannot have its own name is told after the survey (or at once by jobFor). */
  private claim(namer: OutputNamer, item: DiscoveredInput, source: string, mine: boolean): string {
    const planned = namer.claim(item.relative, item.display);
    if (this.options.rememberNames) this.names.set(source, planned.path);
    if (planned.collidedWith && mine)
      this.renamed.set(source, { path: planned.path, collidedWith: planned.collidedWith, display: item.display });
    return planned.path;
  }

  private namer(): OutputNamer {
    const { options } = this;
    return new OutputNamer(
      options.layout.outDir,
      outputExtension(options.endpoint, options.params),
      options.nameTemplate,
      this.reserved,
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
    for await (const { job } of this.walk(null, null, false)) {
      if (job.outputPath.toLowerCase() === input.toLowerCase()) writer = displayInput(cwd, job.source);
    }
    throw new UserError(
      `${writer} would be written over the input ${displayPath(cwd, input)}; ${this.overwriteAdvice()}`,
    );
  }

  /** The way round an output landing on an input: another folder, or a name beside the input other than the one in use. */
  private overwriteAdvice(): string {
    const beside =
      this.options.nameTemplate === BESIDE_INPUT
        ? ''
        : `, or write beside the input under another name with --name '${BESIDE_INPUT}'`;
    return `inputs are never modified: choose another --out folder${beside}`;
  }
}

function listed(problems: readonly string[]): string[] {
  const shown = problems.slice(0, LISTED_PROBLEMS);
  return problems.length > shown.length ? [...shown, `... and ${problems.length - shown.length} more`] : shown;
}
