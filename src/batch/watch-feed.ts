/**
 * --watch: after the first pass, the files added or changed in the input folders, each
 * once it has been written whole, until the run stops (Ctrl-C, 402...) or no watched
 * folder is left. They are judged, named and resumed as the first pass's inputs are; they
 * get their retries but no later rounds, as there is no end of the batch to wait for. One
 * request per output at a time, the newest version of an input last (one-per-output.ts).
 */
import path from 'node:path';
import type { DiscoveredInput, ResolvedInputs } from '../inputs/discover.js';
import { inShard } from '../inputs/shard.js';
import { FolderWatch, type Watch, type WatchNews, type WatchOptions } from '../inputs/watch.js';
import { relativeInside } from '../paths.js';
import { UserError } from '../errors.js';
import type { RunContext } from './context.js';
import type { Job } from './jobs.js';
import { OnePerOutput } from './one-per-output.js';
import type { Planner } from './planner.js';
import { createResumeCheck } from './resume.js';
import { fileIdentity, ROUNDS, type Sender } from './sender.js';
import { stopEvent } from './stops.js';

type DiscoveredFile = Extract<DiscoveredInput, { kind: 'file' }>;

/** Starts watching the input folders: before the first pass walks them, so that nothing added meanwhile is missed. */
export function startWatch(run: RunContext, inputs: ResolvedInputs): Promise<Watch> {
  const folders = inputs.folders();
  if (folders.length === 0)
    throw new UserError('--watch watches folders: name at least one folder (or a glob) among the inputs');
  // As in a walk, the output and state folders are left out only below a root: `-o .` watches them.
  const skipped = [run.layout.outDir, run.layout.stateDir].filter(
    (folder) => !folders.some((root) => relativeInside(root, folder) !== null),
  );
  const ignored = (file: string) =>
    path.basename(file).startsWith('.') || skipped.some((folder) => relativeInside(file, folder) !== null);
  const start = run.options.startWatch ?? ((options: WatchOptions) => FolderWatch.start(options));
  return start({
    roots: folders,
    settleMs: run.settings.watchSettle,
    ignored,
    shown: (file) => run.shown.output(file),
  });
}

export class WatchFeed {
  constructor(
    private readonly run: RunContext,
    private readonly sender: Sender,
    private readonly inputs: ResolvedInputs,
    private readonly planner: Planner,
    /** Warnings said about the inputs (link loops, unreadable folders...), by the first pass or the watch. */
    private readonly inputWarnings: Set<string>,
  ) {}

  /** Sends what the watch reports until the run stops or the watch ends. */
  async follow(watch: Watch): Promise<void> {
    this.run.emit({ type: 'watching', folders: this.inputs.folders().map((folder) => this.run.shown.output(folder)) });
    const perOutput = new OnePerOutput();
    const jobs = this.watchedJobs(watch.changes(this.run.stop.signal));
    await this.sender.feed(jobs, ({ job, item }) => perOutput.run(job.outputPath, () => this.sendWatched(job, item)));
  }

  private async *watchedJobs(changes: AsyncIterable<WatchNews>): AsyncGenerator<{ job: Job; item: DiscoveredFile }> {
    for await (const news of changes) {
      // The watch's first scan meets the link loops the first pass reported: each is said once.
      if (news.kind === 'warning' && !this.inputWarnings.has(news.message)) {
        this.inputWarnings.add(news.message);
        this.run.emit({ type: 'warning', message: news.message });
      }
      if (news.kind === 'ended') this.run.stop.stop(stopEvent('folders-gone', news.message));
      if (news.kind !== 'file') continue;
      const file = news.path;
      // This run's own results, written inside a watched folder (in place), are never inputs;
      // a file written over one since (the user's, with the result's sidecar still beside it) is.
      const replacedResult = this.sender.written.has(file);
      if (replacedResult) {
        if ((await fileIdentity(file)) === this.sender.written.get(file)) continue;
        this.sender.written.delete(file);
      }
      const item = await this.inputs.classify(file, replacedResult);
      if (item?.kind === 'ignored')
        this.run.emit({ type: 'ignored', input: this.run.shown.output(item.path), reason: item.reason });
      if (item?.kind !== 'file') continue;
      if (this.run.settings.shard && !inShard(this.run.settings.shard, item)) continue;
      yield { job: this.planner.jobFor(item), item };
    }
  }

  /** A watched input, when its turn for its output comes: resumed (its newest version may be done already) or sent. */
  private async sendWatched(job: Job, item: DiscoveredFile): Promise<void> {
    const { run } = this;
    if (run.stop.event) return;
    // The survey refuses the whole run for this; a file met later fails alone, and the watch goes on.
    const refusal = this.planner.overwriteRefusal(job, item);
    if (refusal) {
      run.tallies.added();
      return this.sender.refuse(job, refusal);
    }
    // Listed afresh each time: the outputs of this session are new since the survey.
    const verdict =
      !run.settings.overwrite && createResumeCheck(run.layout)(job.outputPath, item, () => run.request.signature(job));
    if (verdict !== 'redo' && (await verdict) === 'done') return this.sender.reportSkipped(job);
    run.tallies.added();
    await this.sender.send(job, ROUNDS);
  }
}
