/**
 * What `photoroom edit` and `photoroom segment` do: resolve the settings, start the batch,
 * show its events, and set the exit code from its summary.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { createClient } from '../../api/client.js';
import { runBatch, type BatchOptions } from '../../batch/run.js';
import type { RunSettings } from '../../config/options.js';
import { configSourceLine } from '../../config/load.js';
import { resolveCommandSettings } from '../../config/settings.js';
import type { StopEvent } from '../../batch/events.js';
import { stopEvent } from '../../batch/stops.js';
import { errorCode, EXIT, faultReason, UserError } from '../../errors.js';
import { displayPath } from '../../paths.js';
import {
  rawParamsFromOptions,
  rawParamsFromPassThrough,
  type FlagBinding,
  type PreparsedArgv,
} from '../param-flags.js';
import type { Endpoint } from '../../params/types.js';
import { createReporter, shouldColor } from '../reporters/index.js';
import { exitCodeOf } from '../exit-codes.js';
import { FORMAT_PARAM, formatMismatch, impliedFormat, outputTarget, type OutputTarget } from '../output-target.js';
import { unescaped, type Io } from '../io.js';
import { deliverTo } from '../stdout-image.js';
import { escapeControls } from '../terminal.js';
import { apiTarget, checkKeyLength, clientHeaders, DRY_RUN_EMULATOR_NOTE, requireApiKey } from './api-target.js';
import { checkOutputFolder, checkOutputKind, removeIfEmpty } from './output-folder.js';
import { bucketStateFolder, outputFileStateFolder } from '../output-file-state.js';
import { ObjectStorage } from '../../storage/storage.js';
import { StorageOpener } from '../../storage/opener.js';
import { RUN_LOGS_FOLDER } from '../../store/runlog-object.js';
import { checkBucketOutput } from './output-bucket.js';

/** Asks on the terminal; only used when both stdin and stderr are terminals. */
async function askToContinue(io: Io, count: number): Promise<boolean> {
  // readline moves the cursor as the answer is typed: it writes to the terminal as it is.
  const prompt = createInterface({ input: io.stdin, output: unescaped(io.stderr) });
  try {
    const answer = await prompt.question(
      `About to send ${count} images (each successful one is billed). Continue? [y/N] `,
    );
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

/**
 * What stops a batch from outside: the first Ctrl-C stops starting new work and lets it
 * finish cleanly, a second quits at once; a stdout that refuses a write (`--json | head`,
 * `> /dev/full`) stops it too, unless it holds the image of `-o -`, whose delivery fails
 * that input itself.
 */
function stopSignals(
  io: Io,
  watchStdout: boolean,
): { signal: AbortSignal; stop(event: StopEvent): void; release(): void } {
  const controller = new AbortController();
  const releaseSignals = io.onSignal(['SIGINT'], () => {
    if (controller.signal.aborted) io.exitNow(EXIT.interrupted);
    controller.abort();
  });
  const stdoutStop = (error: Error) =>
    errorCode(error) === 'EPIPE'
      ? stopEvent('output-closed', 'standard output was closed (EPIPE): no new work started')
      : stopEvent('output-closed', `standard output refused a write: ${faultReason(error)}: no new work started`);
  const releaseStdout = watchStdout ? io.onStdoutRefused((error) => controller.abort(stdoutStop(error))) : () => {};
  return {
    signal: controller.signal,
    stop: (event) => controller.abort(event),
    release: () => {
      releaseSignals();
      releaseStdout();
    },
  };
}

/** An uncaught exception in one line: its name and the first line of its message. */
function uncaughtText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `unexpected error (please report it): ${text.split('\n')[0]}`;
}

/** The options that are not run options: where settings come from, and pass-through parameters. */
export interface ImageCommandOptions extends Record<string, unknown> {
  config?: string;
  param?: string[];
  emulator?: boolean;
}

/**
 * After a `-o -` run, its temporary folder goes, unless it holds an image that standard
 * output did not take (a full disk, a reader that left): that image was paid for, so it is
 * kept, with the run log beside it, and its place is said.
 */
async function keepUndelivered(file: string, delivered: boolean, stderr: NodeJS.WritableStream): Promise<void> {
  const undelivered =
    !delivered &&
    (await stat(file).then(
      (info) => info.isFile(),
      () => false,
    ));
  if (undelivered)
    stderr.write(
      `photoroom: the image standard output did not take is kept at ${escapeControls(file)} (it was paid for)\n`,
    );
  else await rm(path.dirname(file), { recursive: true, force: true });
}

/**
 * Where the batch writes, from what `-o` names. Standard output gets the image once it is
 * whole and checked: it is written to a temporary folder first, like any output, and is ok
 * only once standard output took it.
 */
async function batchOutputs(
  output: OutputTarget,
  run: RunSettings,
  io: Pick<Io, 'cwd' | 'host' | 'stdout' | 'cacheDir'>,
): Promise<
  Pick<BatchOptions, 'outDir' | 'outputFile' | 'outputFileLabel' | 'outputFileShownAs' | 'deliver' | 'stateDir'>
> {
  const stateDir = run.stateDir && path.resolve(io.cwd, run.stateDir);
  switch (output.kind) {
    case 'folder':
      return { outDir: output.dir, stateDir };
    case 'bucket':
      // Sidecars go beside the outputs in the bucket; the state folder holds the run log.
      return { outDir: output.uri, stateDir: stateDir ?? bucketStateFolder(output.uri, io.cacheDir) };
    case 'file':
      return {
        outDir: path.dirname(output.file),
        outputFile: output.file,
        outputFileLabel: `-o ${run.out}`,
        stateDir: stateDir ?? (await outputFileStateFolder(output.file, io.cacheDir)),
      };
    case 'stdout': {
      const folder = await mkdtemp(path.join(io.host.tmpdir, 'photoroom-stdout-'));
      return {
        outDir: folder,
        outputFile: path.join(folder, 'result'),
        outputFileLabel: '-o -',
        outputFileShownAs: 'standard output',
        deliver: deliverTo(io.stdout),
      };
    }
  }
}

/** Where a bucket output's run logs go, for the note. */
const runLogsUri = (uri: string) => `${uri}/${RUN_LOGS_FOLDER}/`;

/**
 * A bucket output's run log folder, on this machine: `--state-dir` (made, and removed again
 * if the run wrote nothing), else a cache folder kept for reruns (cli/output-file-state.ts).
 */
async function checkBucketLogFolder(
  uri: string,
  run: RunSettings,
  io: Pick<Io, 'cwd' | 'host' | 'cacheDir'>,
  madeFolders: string[],
): Promise<void> {
  if (run.stateDir) {
    const stateDir = path.resolve(io.cwd, run.stateDir);
    const named = `--state-dir ${run.stateDir}`;
    await checkOutputKind(stateDir, named, 'state folder');
    madeFolders.push(...(await checkOutputFolder(stateDir, named, 'state folder', io.host)));
  } else {
    const cached = bucketStateFolder(uri, io.cacheDir);
    await checkOutputFolder(cached, `the state folder ${cached}`, 'state folder', io.host);
  }
}

export interface ImageRun {
  endpoint: Endpoint;
  inputs: string[];
  options: ImageCommandOptions;
  /** Run options typed on the command line, by setting key. */
  typed: Readonly<Record<string, unknown>>;
  io: Io;
  bindings: readonly FlagBinding[];
  preparsed: PreparsedArgv;
}

export async function runImageCommand(imageRun: ImageRun): Promise<void> {
  /** The folders made for this run's results: a run that wrote nothing into them (refused, or sending nothing) removes them. */
  const madeFolders: string[] = [];
  const { io } = imageRun;
  // One client for the bucket check and the run: opened only if an s3:// location is named,
  // once the settings are known (its idle timeout is the run's --timeout).
  let idleTimeoutMs: number | undefined;
  const storage = new StorageOpener(() => ObjectStorage.open({ env: io.env, redactor: io.redactor, idleTimeoutMs }));
  const settled = (run: RunSettings) => void (idleTimeoutMs = run.timeout * 1000);
  try {
    await runImage(imageRun, madeFolders, storage, settled);
  } finally {
    await storage.close();
    await removeIfEmpty(madeFolders);
  }
}

async function runImage(
  { endpoint, inputs, options, typed, io, bindings, preparsed: pre }: ImageRun,
  madeFolders: string[],
  storage: StorageOpener,
  /** Told the run's settings once they are resolved, before storage is first opened. */
  settled: (run: RunSettings) => void,
): Promise<void> {
  const passThrough = rawParamsFromPassThrough(options.param ?? []);
  // What -o names, looked up once: first while the settings are resolved, as it implies the output format.
  let named: Promise<OutputTarget> | undefined;
  const outputOf = (out: string) => (named ??= outputTarget(out, io.cwd));
  const settings = await resolveCommandSettings(
    {
      command: endpoint,
      flags: typed,
      flagParams: [...passThrough.params, ...pre.openEndedParams, ...rawParamsFromOptions(bindings, options)],
      argvProblems: [...pre.problems, ...passThrough.problems],
      configPath: options.config,
      env: io.env,
      cwd: io.cwd,
      // The rules of each method (POST for files, GET for URLs) are checked by the batch once it has seen its inputs.
      contexts: [{ hasInputImage: true }],
      impliedParams: async (run) => impliedFormat(await outputOf(run.out), endpoint, run.out),
    },
    endpoint,
  );
  const { run } = settings;
  settled(run);
  const output = await outputOf(run.out);
  const format = settings.params.entry(FORMAT_PARAM[endpoint]);
  const mismatch = formatMismatch(output, format && { value: String(format.value), source: format.source }, run.out);
  if (mismatch) throw new UserError(mismatch);
  if (output.kind === 'stdout' && run.json)
    throw new UserError('-o - writes the image to standard output, where --json would write events too: choose one');
  if (output.kind === 'bucket' && run.watch)
    throw new UserError(
      `--watch follows folders on this machine and writes into one: with -o ${run.out} run without --watch (a rerun sends only inputs that are new or changed), or watch into a local folder`,
    );
  if (output.kind === 'bucket' && run.report)
    throw new UserError(
      `--report writes its page beside outputs on this machine, and -o ${run.out} keeps them in a bucket: run without --report, then copy the prefix down (aws s3 sync ${run.out} out) and run photoroom report out`,
    );
  if (run.watch && (run.dryRun || output.kind !== 'folder')) {
    throw new UserError(
      '--watch keeps writing results into a folder: it goes with -o FOLDER, not with --dry-run, -o FILE or -o -',
    );
  }
  // From here on the key, whatever its source, is masked in everything printed or stored.
  if (run.apiKey) io.redactor.register(run.apiKey);
  if (inputs.length === 0 && !run.fromFile) {
    throw new UserError(
      `no inputs: name files, folders, globs${endpoint === 'edit' ? ' or URLs' : ''}, or use --from-file`,
    );
  }
  if (run.verbose && !run.quiet) io.stderr.write(`${escapeControls(configSourceLine(settings.config))}\n`);
  // Checked before anything is sent, the credits check included; an emulator stands in for a key.
  const warnings = [...settings.warnings];
  if (!run.dryRun) {
    if (!options.emulator) requireApiKey(run);
    warnings.push(...checkKeyLength(run, options.emulator));
    if (output.kind === 'bucket') {
      await checkBucketLogFolder(output.uri, run, io, madeFolders);
      await checkBucketOutput(output.uri, `-o ${run.out}`, storage, io.host);
    } else if (output.kind !== 'stdout') {
      const stateDir = run.stateDir && path.resolve(io.cwd, run.stateDir);
      // Both kinds first: no folder is made for a run that is refused.
      if (output.kind === 'folder') await checkOutputKind(output.dir, `-o ${run.out}`, 'output folder');
      else await checkOutputKind(output.file, `-o ${run.out}`, 'output file');
      if (stateDir) await checkOutputKind(stateDir, `--state-dir ${run.stateDir}`, 'state folder');
      madeFolders.push(
        ...(await checkOutputFolder(
          output.kind === 'folder' ? output.dir : path.dirname(output.file),
          `-o ${run.out}`,
          'output folder',
          io.host,
        )),
      );
      if (stateDir) {
        madeFolders.push(
          ...(await checkOutputFolder(stateDir, `--state-dir ${run.stateDir}`, 'state folder', io.host)),
        );
      } else if (output.kind === 'file') {
        // A cache folder: made once and kept, as the record of a file that may be rerun.
        const cached = await outputFileStateFolder(output.file, io.cacheDir);
        await checkOutputFolder(cached, `the state folder ${cached}`, 'state folder', io.host);
      }
    }
  }
  const target = await apiTarget(run, options.emulator);
  const client = createClient({
    apiKey: target.run.apiKey ?? '',
    baseUrl: target.run.baseUrl,
    segmentUrl: target.run.segmentUrl,
    connections: run.concurrency,
    timeoutMs: run.timeout * 1000,
    headers: clientHeaders(run),
    runtime: io.host.runtime,
    redactor: io.redactor,
  });
  const reporter = await createReporter({
    json: run.json,
    quiet: run.quiet,
    verbose: run.verbose,
    // A watched run has no known total: one line per image.
    progress: run.progress && !run.watch,
    color: shouldColor(io.stderr, io.env),
    stdout: io.stdout,
    stderr: io.stderr,
    onExit: (handler) => io.onExit(handler),
    ...(settings.preset && { preset: settings.preset }),
    ...(run.shard && { shard: run.shard }),
  });
  for (const warning of warnings) reporter.onEvent({ type: 'warning', message: warning });
  if (options.emulator && run.dryRun) {
    // Beside the commands, so that a saved plan says it too.
    if (run.json) reporter.onEvent({ type: 'warning', message: DRY_RUN_EMULATOR_NOTE });
    else io.stdout.write(`# ${DRY_RUN_EMULATOR_NOTE}\n`);
  }
  const interactive = Boolean(io.stdin.isTTY && io.stderr.isTTY) && !run.json;
  const stops = stopSignals(io, output.kind !== 'stdout' || run.dryRun);
  // Made last, right before the try that removes -o -'s temporary folder again.
  const outputs = await batchOutputs(output, run, io);
  if (output.kind === 'file' && !run.stateDir && !run.quiet)
    io.stderr.write(
      `photoroom: the record of ${escapeControls(displayPath(io.cwd, output.file))} and the run log are kept in ${escapeControls(outputs.stateDir!)} (--state-dir chooses another folder)\n`,
    );
  if (output.kind === 'bucket' && !run.stateDir && !run.quiet && !run.dryRun)
    io.stderr.write(
      `photoroom: the run log is kept in ${escapeControls(outputs.stateDir!)} and uploaded to ${escapeControls(runLogsUri(output.uri))} when the run ends (--state-dir chooses another folder)\n`,
    );
  /** With -o -: whether standard output took the image. */
  let delivered = false;
  try {
    const batch = runBatch({
      endpoint,
      inputs,
      stdin: io.stdin,
      cwd: io.cwd,
      ...outputs,
      params: settings.params,
      ...(settings.preset && { preset: settings.preset }),
      client,
      storage: () => storage.get(),
      host: io.host,
      // The engine reads the run settings under the table's names and units: no renaming here.
      settings: run,
      confirm: interactive ? (count) => askToContinue(io, count) : undefined,
      signal: stops.signal,
    });
    batch.on('event', (event) => reporter.onEvent(event));
    // Crash-only: an exception nobody caught (a library's) must not lose the results in
    // flight, some of them paid for. The batch starts nothing new, lets what runs settle
    // (each request within --timeout), keeps its run log, and says what happened.
    const releaseUncaught = io.onUncaught((error) =>
      stops.stop(stopEvent('crashed', `${uncaughtText(error)}: no new work started`)),
    );
    const summary = await batch.done.finally(releaseUncaught);
    delivered = summary.ok > 0;
    io.exitCode = exitCodeOf(summary);
    if (run.report && !run.dryRun && output.kind !== 'stdout') {
      const { writeReport, NothingToReport } = await import('../../report/write.js');
      const page = await writeReport(
        { folder: outputs.outDir, stateFolder: outputs.stateDir, cwd: io.cwd },
        { writer: io.host, redactor: io.redactor },
      ).catch((error: unknown) => {
        // A run that sent nothing into a new folder: no page of nothing.
        if (error instanceof NothingToReport) return undefined;
        throw error;
      });
      io.stderr.write(`report: ${page ? escapeControls(displayPath(io.cwd, page)) : 'none, nothing to report'}\n`);
    }
  } finally {
    if (output.kind === 'stdout') await keepUndelivered(outputs.outputFile!, delivered, io.stderr);
    stops.release();
    reporter.close();
    await client.close();
    await target.close();
  }
}
