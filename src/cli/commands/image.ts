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
import { requireApiKey, clientHeaders } from './shared.js';

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
    const apiKey = requireApiKey(settings.run);
    printLines(io.stderr, settings.warnings.map((warning) => `warning: ${warning}`));

    const outDir = path.resolve(io.cwd, settings.run.out);
    const outputPath = outputPathFor(input, outDir, outputExtension(endpoint, settings.params));
    const client = createClient({
      apiKey,
      baseUrl: settings.run.baseUrl,
      segmentUrl: settings.run.segmentUrl,
      connections: settings.run.concurrency,
      timeoutMs: settings.run.timeout * 1000,
      headers: clientHeaders(settings.run),
    });
    try {
      const result = await executeJob(client, endpoint, { input, outputPath }, settings.params);
      const unsupported = result.headers['pr-unsupported-attributes'];
      if (unsupported) io.stderr.write(`warning: the API ignored parameters: ${unsupported}\n`);
      io.stdout.write(`${path.relative(io.cwd, result.output.path) || result.output.path}\n`);
    } finally {
      await client.close();
    }
  });
  return command;
}
