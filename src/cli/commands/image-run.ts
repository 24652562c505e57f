/**
 * What `photoroom edit` and `photoroom segment` do: resolve the settings, start the batch,
 * show its events, and set the exit code from its summary.
 */
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { createClient } from '../../api/client.js';
import { runBatch } from '../../batch/run.js';
import { resolveCommandSettings } from '../../config/settings.js';
import { UserError } from '../../errors.js';
import { rawParamsFromOptions, rawParamsFromPassThrough, type FlagBinding, type PreparsedArgv } from '../../params/flags.js';
import type { Endpoint } from '../../params/types.js';
import { readNumber } from '../../params/values.js';
import { createReporter, shouldColor } from '../reporters/index.js';
import type { Io } from '../io.js';
import type { ImageCommandOptions } from './image.js';
import { apiTarget, clientHeaders, requireApiKey } from './shared.js';

function parseMaxImages(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = readNumber(text);
  if (value === null || !Number.isSafeInteger(value) || value < 1) throw new UserError(`--max-images: invalid value ${JSON.stringify(text)}; expected a whole number above 0`);
  return value;
}

/** Asks on the terminal; only used when both stdin and stderr are terminals. */
async function askToContinue(io: Io, count: number): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: io.stderr });
  try {
    const answer = await prompt.question(`About to send ${count} images (each successful one is billed). Continue? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

/** First Ctrl-C: stop starting new work and finish cleanly. Second: quit at once. */
function interruptOnSigint(): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, release: () => process.off('SIGINT', onSigint) };
}

export interface ImageRun {
  endpoint: Endpoint;
  inputs: string[];
  options: ImageCommandOptions;
  io: Io;
  bindings: readonly FlagBinding[];
  preparsed: PreparsedArgv;
}

export async function runImageCommand({ endpoint, inputs, options, io, bindings, preparsed: pre }: ImageRun): Promise<void> {
  if (inputs.length === 0 && !options.fromFile) {
    throw new UserError(`no inputs: name files, folders, globs${endpoint === 'edit' ? ' or URLs' : ''}, or use --from-file`);
  }
  const maxImages = parseMaxImages(options.maxImages);
  const passThrough = rawParamsFromPassThrough(options.param ?? []);
  const settings = await resolveCommandSettings(
    {
      command: endpoint,
      flags: options,
      flagParams: [...passThrough.params, ...pre.layerParams, ...rawParamsFromOptions(bindings, options)],
      argvProblems: [...pre.problems, ...passThrough.problems],
      configPath: options.config,
      env: io.env,
      cwd: io.cwd,
      // Uploads are checked here; the batch checks GET rules once it has seen a URL input.
      contexts: [{ hasInputImage: true, ...(endpoint === 'edit' && { method: 'POST' as const }) }],
    },
    endpoint,
  );
  const target = await apiTarget(settings.run, options.emulator);
  const { run } = target;
  const client = createClient({
    apiKey: options.dryRun ? (run.apiKey ?? '') : requireApiKey(run),
    baseUrl: run.baseUrl,
    segmentUrl: run.segmentUrl,
    connections: run.concurrency,
    timeoutMs: run.timeout * 1000,
    headers: clientHeaders(run),
  });
  const reporter = await createReporter({
    json: Boolean(options.json),
    quiet: Boolean(options.quiet),
    verbose: Boolean(options.verbose),
    progress: options.progress,
    color: shouldColor(io.stderr, io.env),
    stdout: io.stdout,
    stderr: io.stderr,
  });
  for (const warning of settings.warnings) reporter.onEvent({ type: 'warning', message: warning });
  const interactive = Boolean(process.stdin.isTTY && io.stderr.isTTY) && !options.json;
  const interrupt = interruptOnSigint();
  try {
    const batch = runBatch({
      endpoint,
      inputs,
      fromFile: options.fromFile,
      column: options.column,
      stdin: process.stdin,
      include: options.include,
      exclude: options.exclude,
      cwd: io.cwd,
      outDir: path.resolve(io.cwd, run.out),
      nameTemplate: run.name,
      params: settings.params,
      client,
      concurrency: run.concurrency,
      ratePerMinute: run.rate,
      retries: run.retries,
      giveUpAfterMs: run.giveUpAfter * 1000,
      overwrite: options.overwrite,
      dryRun: options.dryRun,
      maxImages,
      checkCredits: !options.yes,
      confirm: interactive && !options.yes ? (count) => askToContinue(io, count) : undefined,
      confirmOver: run.confirmOver,
      signal: interrupt.signal,
    });
    batch.on('event', (event) => reporter.onEvent(event));
    const summary = await batch.done;
    io.exitCode = summary.exitCode;
  } finally {
    interrupt.release();
    reporter.close();
    await client.close();
    await target.close();
  }
}
