/**
 * `photoroom edit` and `photoroom segment`: one command shape for both image endpoints,
 * their flags derived from the parameter table and the run options table.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { createClient } from '../../api/client.js';
import { executeJob } from '../../batch/execute.js';
import { isUrlInput, outputExtension, outputPathFor, type InputRef } from '../../batch/plan.js';
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
import type { RuleContext } from '../../params/rules.js';
import type { Endpoint } from '../../params/types.js';
import { printLines, type Io } from '../io.js';
import { apiTarget, clientHeaders, EMULATOR_FLAG_HELP, requireApiKey } from './shared.js';

const EXAMPLES: Readonly<Record<Endpoint, string>> = {
  edit: `
Examples:
  photoroom edit shoe.jpg --bg white --padding 10% -o out/
  photoroom edit https://example.com/mug.png --outputSize 1000x1000 --shadow.mode ai.soft
  photoroom edit bag.png --background.prompt "on a marble table" --export.format webp
  photoroom edit hat.jpg --removeBackground false --export.dpi 300 --param newField=value

Every flag is an API parameter spelled as the API spells it; \`photoroom params\` lists them.`,
  segment: `
Examples:
  photoroom segment shoe.jpg -o cutouts/
  photoroom segment shoe.jpg --channels alpha --format webp
  photoroom segment shoe.jpg --bg-color "#FFFFFF" --crop --size hd`,
};

const SUMMARIES: Readonly<Record<Endpoint, string>> = {
  edit: 'edit an image with /v2/edit: cutout, background, layout, shadows, AI features',
  segment: 'remove the background of an image with /v1/segment (Basic plan)',
};

interface ImageCommandOptions extends Record<string, unknown> {
  config?: string;
  param?: string[];
  emulator?: boolean;
}

/** Relative to the working folder when inside it, absolute otherwise. */
function displayPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

function inputRef(endpoint: Endpoint, text: string): InputRef {
  if (!isUrlInput(text)) return { kind: 'file', path: text };
  if (endpoint === 'segment') {
    throw new UserError(`${text}: /v1/segment takes uploaded files only; download the image or use \`photoroom edit\``);
  }
  return { kind: 'url', url: text };
}

async function checkInputFile(input: InputRef): Promise<void> {
  if (input.kind !== 'file') return;
  const info = await stat(input.path).catch(() => null);
  if (!info) throw new UserError(`${input.path}: no such file`);
  if (!info.isFile()) throw new UserError(`${input.path}: not a file`);
}

export function imageCommand(endpoint: Endpoint, io: Io, preparsed: () => PreparsedArgv): Command {
  const bindings = paramFlagBindings(endpoint);
  const command = new Command(endpoint)
    .description(SUMMARIES[endpoint])
    .argument('<input>', endpoint === 'edit' ? 'image file or http(s) URL' : 'image file')
    .option('--config <path>', 'read settings from this file instead of searching for .photoroomrc')
    .option('--emulator', EMULATOR_FLAG_HELP)
    .option('--param <name=value>', 'send a parameter the table does not know (repeatable)', (value: string, list: string[] = []) => [...list, value]);
  for (const spec of runOptionsFor(endpoint)) command.addOption(runOptionFlag(spec));
  for (const binding of bindings) command.addOption(binding.option);
  if (endpoint === 'edit') command.addHelpText('after', `\n${layerFlagsHelp()}`);
  command.addHelpText('after', EXAMPLES[endpoint]);

  command.action(async (inputText: string, options: ImageCommandOptions) => {
    const input = inputRef(endpoint, inputText);
    const fromFlags = rawParamsFromOptions(bindings, options);
    const passThrough = rawParamsFromPassThrough(options.param ?? []);
    const context: RuleContext = {
      hasInputImage: true,
      ...(endpoint === 'edit' && { method: input.kind === 'url' ? 'GET' : 'POST' }),
    };
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
        contexts: [context],
      },
      endpoint,
    );
    await checkInputFile(input);
    const target = await apiTarget(settings.run, options.emulator);
    const { run } = target;
    printLines(io.stderr, settings.warnings.map((warning) => `warning: ${warning}`));

    const outDir = path.resolve(io.cwd, run.out);
    const outputPath = outputPathFor(input, outDir, outputExtension(endpoint, settings.params));
    const client = createClient({
      apiKey: requireApiKey(run),
      baseUrl: run.baseUrl,
      segmentUrl: run.segmentUrl,
      connections: run.concurrency,
      timeoutMs: run.timeout * 1000,
      headers: clientHeaders(run),
    });
    try {
      const result = await executeJob(client, endpoint, { input, outputPath }, settings.params);
      const unsupported = result.headers['pr-unsupported-attributes'];
      if (unsupported) io.stderr.write(`warning: the API ignored parameters: ${unsupported}\n`);
      io.stdout.write(`${displayPath(io.cwd, result.output.path)}\n`);
    } finally {
      await client.close();
      await target.close();
    }
  });
  return command;
}
