/**
 * `photoroom edit` and `photoroom segment`: one command shape for both image endpoints,
 * their flags derived from the parameter table and the run options table, their work done
 * by the batch engine and shown by a reporter.
 */
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Command, Option } from 'commander';
import { createClient } from '../../api/client.js';
import { runBatch } from '../../batch/run.js';
import { runOptionFlag, runOptionsFor } from '../../config/options.js';
import { resolveCommandSettings } from '../../config/settings.js';
import { UserError } from '../../errors.js';
import {
  layerFlagsHelp,
  paramFlagBindings,
  rawParamsFromOptions,
  rawParamsFromPassThrough,
  type PreparsedArgv,
} from '../../params/flags.js';
import type { Endpoint } from '../../params/types.js';
import { createReporter, shouldColor } from '../reporters/index.js';
import type { Io } from '../io.js';
import { apiTarget, clientHeaders, EMULATOR_FLAG_HELP, requireApiKey } from './shared.js';

const EXAMPLES: Readonly<Record<Endpoint, string>> = {
  edit: `
Inputs are files, folders (recursive), glob patterns, http(s) URLs (sent by GET), or a list
(--from-file, or - for stdin). Outputs mirror the input folders under --out, each with a
sidecar <output>.json; a rerun skips what is already done.

Examples:
  photoroom edit ./products --bg white --padding 10% -o out/
  photoroom edit 'shots/**/*.jpg' --exclude '**/raw/**' --outputSize 1000x1000 --shadow.mode ai.soft
  photoroom edit https://example.com/mug.png --background.prompt "on a marble table"
  photoroom edit --from-file urls.txt --export.format webp --concurrency 16 --json > results.ndjson
  photoroom edit ./products --bg white --dry-run            # what would be sent, as curl commands
  photoroom edit ./products --bg white --emulator -o out/   # a full rehearsal, no key needed

Every parameter flag is an API parameter spelled as the API spells it; \`photoroom params\`
lists them with their allowed values.`,
  segment: `
Inputs are files, folders (recursive), glob patterns, or a list (--from-file, or - for
stdin); /v1/segment takes uploads only. Outputs mirror the input folders under --out.

Examples:
  photoroom segment ./products -o cutouts/
  photoroom segment shoe.jpg --channels alpha --format webp
  photoroom segment ./products --bg-color "#FFFFFF" --crop --size hd`,
};

const SUMMARIES: Readonly<Record<Endpoint, string>> = {
  edit: 'edit images with /v2/edit: cutout, background, layout, shadows, AI features',
  segment: 'remove the background of images with /v1/segment (Basic plan)',
};

interface ImageCommandOptions extends Record<string, unknown> {
  config?: string;
  param?: string[];
  emulator?: boolean;
  fromFile?: string;
  column?: string;
  include?: string[];
  exclude?: string[];
  overwrite?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  maxImages?: string;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  progress: boolean;
}

const collect = (value: string, list: string[] = []) => [...list, value];

function batchOptions(): Option[] {
  return [
    new Option('--from-file <list>', 'read inputs from a file: one path or URL a line (a .csv: see --column)'),
    new Option('--column <name>', 'the CSV column holding the inputs, by header name or number'),
    new Option('--include <glob>', 'only files matching this pattern, relative to their input folder (repeatable)').argParser(collect),
    new Option('--exclude <glob>', 'leave out files matching this pattern (repeatable)').argParser(collect),
    new Option('--overwrite', 'redo inputs whose outputs are already up to date'),
    new Option('--dry-run', 'list what would be sent, as curl commands; send nothing'),
    new Option('-y, --yes', 'skip the credits check and the confirmation'),
    new Option('--max-images <n>', 'process at most N images in this run'),
    new Option('--json', 'NDJSON on stdout: one event per input and a summary'),
    new Option('-q, --quiet', 'print only failures, warnings and the summary'),
    new Option('--verbose', 'also print retries and skipped inputs'),
    new Option('--no-progress', 'plain lines instead of a progress bar'),
  ].map((option) => option.helpGroup('Batch options:'));
}

function parseMaxImages(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UserError(`--max-images: invalid value ${JSON.stringify(text)}; expected a whole number above 0`);
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

export function imageCommand(endpoint: Endpoint, io: Io, preparsed: () => PreparsedArgv): Command {
  const bindings = paramFlagBindings(endpoint);
  const command = new Command(endpoint)
    .description(SUMMARIES[endpoint])
    .argument('[inputs...]', endpoint === 'edit' ? 'files, folders, globs or http(s) URLs; - reads a list from stdin' : 'files, folders or globs; - reads a list from stdin')
    .option('--config <path>', 'read settings from this file instead of searching for .photoroomrc')
    .option('--emulator', EMULATOR_FLAG_HELP)
    .option('--param <name=value>', 'send a parameter the table does not know (repeatable)', collect);
  for (const option of batchOptions()) command.addOption(option);
  for (const spec of runOptionsFor(endpoint)) command.addOption(runOptionFlag(spec));
  for (const binding of bindings) command.addOption(binding.option);
  if (endpoint === 'edit') command.addHelpText('after', `\n${layerFlagsHelp()}`);
  command.addHelpText('after', EXAMPLES[endpoint]);

  command.action(async (inputs: string[], options: ImageCommandOptions) => {
    if (inputs.length === 0 && !options.fromFile) {
      throw new UserError(`no inputs: name files, folders, globs${endpoint === 'edit' ? ' or URLs' : ''}, or use --from-file`);
    }
    const maxImages = parseMaxImages(options.maxImages);
    const fromFlags = rawParamsFromOptions(bindings, options);
    const passThrough = rawParamsFromPassThrough(options.param ?? []);
    const pre = preparsed();
    const settings = await resolveCommandSettings(
      {
        command: endpoint,
        flags: options,
        flagParams: [...passThrough.params, ...pre.layerParams, ...fromFlags.params],
        argvProblems: [...pre.problems, ...passThrough.problems, ...fromFlags.problems],
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
    const reporter = createReporter({
      json: Boolean(options.json),
      quiet: Boolean(options.quiet),
      verbose: Boolean(options.verbose),
      progress: options.progress,
      color: shouldColor(io.stderr as { isTTY?: boolean }, io.env),
      stdout: io.stdout,
      stderr: io.stderr,
    });
    for (const warning of settings.warnings) reporter.onEvent({ type: 'warning', message: warning });
    const interactive = Boolean(process.stdin.isTTY && (io.stderr as { isTTY?: boolean }).isTTY) && !options.json;
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
  });
  return command;
}
