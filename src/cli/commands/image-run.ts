/**
 * What `photoroom edit` and `photoroom segment` do: resolve the settings, start the batch,
 * show its events, and set the exit code from its summary.
 */
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { createClient } from '../../api/client.js';
import { runBatch } from '../../batch/run.js';
import { configSourceLine } from '../../config/load.js';
import { resolveCommandSettings } from '../../config/settings.js';
import { stopEvent } from '../../batch/stops.js';
import { EXIT, UserError } from '../../errors.js';
import { rawParamsFromOptions, rawParamsFromPassThrough, type FlagBinding, type PreparsedArgv } from '../param-flags.js';
import type { Endpoint } from '../../params/types.js';
import { createReporter, shouldColor } from '../reporters/index.js';
import { exitCodeOf } from '../exit-codes.js';
import { registerSecret } from '../../secrets.js';
import type { Io } from '../io.js';
import { apiTarget, clientHeaders, requireApiKey } from './api-target.js';

/** Asks on the terminal; only used when both stdin and stderr are terminals. */
async function askToContinue(io: Io, count: number): Promise<boolean> {
  const prompt = createInterface({ input: io.stdin, output: io.stderr });
  try {
    const answer = await prompt.question(`About to send ${count} images (each successful one is billed). Continue? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

/**
 * What stops a batch from outside: the first Ctrl-C stops starting new work and lets it
 * finish cleanly, a second quits at once; a closed stdout (`--json | head`) stops it too.
 */
function stopSignals(io: Io): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const releaseSignals = io.onSignal(['SIGINT'], () => {
    if (controller.signal.aborted) io.exitNow(EXIT.interrupted);
    controller.abort();
  });
  const releaseStdout = io.onStdoutClosed(() =>
    controller.abort(stopEvent('output-closed', 'standard output was closed (EPIPE): no new work started')),
  );
  return {
    signal: controller.signal,
    release: () => {
      releaseSignals();
      releaseStdout();
    },
  };
}

/** The options that are not run options: where settings come from, and pass-through parameters. */
export interface ImageCommandOptions extends Record<string, unknown> {
  config?: string;
  param?: string[];
  emulator?: boolean;
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

export async function runImageCommand({ endpoint, inputs, options, typed, io, bindings, preparsed: pre }: ImageRun): Promise<void> {
  const passThrough = rawParamsFromPassThrough(options.param ?? []);
  const settings = await resolveCommandSettings(
    {
      command: endpoint,
      flags: typed,
      flagParams: [...passThrough.params, ...pre.layerParams, ...rawParamsFromOptions(bindings, options)],
      argvProblems: [...pre.problems, ...passThrough.problems],
      configPath: options.config,
      env: io.env,
      cwd: io.cwd,
      // The rules of each method (POST for files, GET for URLs) are checked by the batch once it has seen its inputs.
      contexts: [{ hasInputImage: true }],
    },
    endpoint,
  );
  const { run } = settings;
  // From here on the key, whatever its source, is masked in everything printed or stored.
  if (run.apiKey) registerSecret(run.apiKey);
  if (inputs.length === 0 && !run.fromFile) {
    throw new UserError(`no inputs: name files, folders, globs${endpoint === 'edit' ? ' or URLs' : ''}, or use --from-file`);
  }
  if (run.verbose && !run.quiet) io.stderr.write(`${configSourceLine(settings.config)}\n`);
  const target = await apiTarget(run, options.emulator);
  const client = createClient({
    apiKey: run.dryRun ? (target.run.apiKey ?? '') : requireApiKey(target.run),
    baseUrl: target.run.baseUrl,
    segmentUrl: target.run.segmentUrl,
    connections: run.concurrency,
    timeoutMs: run.timeout * 1000,
    headers: clientHeaders(run),
  });
  const reporter = await createReporter({
    json: run.json,
    quiet: run.quiet,
    verbose: run.verbose,
    progress: run.progress,
    color: shouldColor(io.stderr, io.env),
    stdout: io.stdout,
    stderr: io.stderr,
    onExit: (handler) => io.onExit(handler),
  });
  for (const warning of settings.warnings) reporter.onEvent({ type: 'warning', message: warning });
  const interactive = Boolean(io.stdin.isTTY && io.stderr.isTTY) && !run.json;
  const stops = stopSignals(io);
  try {
    const batch = runBatch({
      endpoint,
      inputs,
      fromFile: run.fromFile,
      column: run.column,
      stdin: io.stdin,
      include: run.include,
      exclude: run.exclude,
      cwd: io.cwd,
      outDir: path.resolve(io.cwd, run.out),
      nameTemplate: run.name,
      params: settings.params,
      client,
      concurrency: run.concurrency,
      ratePerMinute: run.rate,
      retries: run.retries,
      giveUpAfterMs: run.giveUpAfter * 1000,
      maxAnswerBytes: run.maxAnswerSize * 1024 * 1024,
      overwrite: run.overwrite,
      dryRun: run.dryRun,
      maxImages: run.maxImages,
      shard: run.shard,
      checkCredits: !run.yes,
      confirm: interactive && !run.yes ? (count) => askToContinue(io, count) : undefined,
      confirmOver: run.confirmOver,
      signal: stops.signal,
    });
    batch.on('event', (event) => reporter.onEvent(event));
    const summary = await batch.done;
    io.exitCode = exitCodeOf(summary);
  } finally {
    stops.release();
    reporter.close();
    await client.close();
    await target.close();
  }
}
