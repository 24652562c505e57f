/**
 * Everything a command runs with, from argv + environment + config file, validated in one
 * place. Any problem stops the command before a request is sent (UserError, exit 2).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { checkInputFile } from '../inputs/sniff.js';
import { buildParamSet, ParamSet, type RawParam } from '../params/paramset.js';
import type { RuleContext } from '../params/rules.js';
import type { Endpoint } from '../params/types.js';
import { requestHeaders } from './headers.js';
import { loadConfig, type LoadedConfig } from './load.js';
import { isLoopback } from './loopback.js';
import { RUN_OPTIONS, type CommandName, type RunSettings } from './options.js';
import { presetAdvisories, presetContradictions } from '../presets/contradictions.js';
import { presetRawParams } from '../presets/params.js';
import { choosePreset, presetOverrides } from './presets.js';
import type { Preset } from '../presets/types.js';
import { configParams, resolveRunOptions, unknownConfigKeys, type ResolvedRunOptions } from './resolve.js';
import { resolveShard } from './shard.js';

export interface CommandInput {
  command: CommandName;
  /** Run option values from flags, by RunSettings key. */
  flags: Readonly<Record<string, unknown>>;
  /** Parameters from flags (`--padding`, `--layers.*`, `--param`), highest precedence. */
  flagParams: readonly RawParam[];
  /** Parameters implied by the run options (the format of `-o mug.jpg`): the lowest precedence. */
  impliedParams?: (run: RunSettings) => Promise<readonly RawParam[]>;
  /** Problems already found while reading argv. */
  argvProblems?: readonly string[];
  configPath?: string;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** The requests the inputs will need (GET and/or POST), each validated. */
  contexts: readonly RuleContext[];
}

export interface CommandSettings {
  run: RunSettings;
  params: ParamSet;
  /** The preset chosen (--preset, PHOTOROOM_PRESET, the config file), built in or the config file's. */
  preset?: Preset;
  warnings: string[];
  config: LoadedConfig;
}

/** The key is never sent in clear text to another machine unless the user says so. `sources`: where each URL was given. */
function insecureOrigins(run: RunSettings, sources: ResolvedRunOptions['sources']): string[] {
  if (run.allowInsecureHttp) return [];
  return (['baseUrl', 'segmentUrl'] as const)
    .filter((key) => {
      const url = run[key] ? new URL(run[key]) : null;
      return url?.protocol === 'http:' && !isLoopback(url.hostname);
    })
    .map(
      (key) =>
        `${sources[key] ?? RUN_OPTIONS[key].flag} ${run[key]}: plain http to another machine would send the API key unencrypted; ` +
        'use https, a loopback address, or --allow-insecure-http',
    );
}

/** A key in a config file others can read is a key others can use. */
async function exposedKeyWarning(config: LoadedConfig): Promise<string[]> {
  if (!config.path || config.values.apiKey === undefined) return [];
  const mode = (await stat(config.path)).mode & 0o777;
  if ((mode & 0o077) === 0) return [];
  return [
    `${config.path} holds the API key and other users can read it (mode ${mode.toString(8)}): chmod 600 it, or use PHOTOROOM_API_KEY`,
  ];
}

/** Local files named by parameters (relative to the working folder) are checked like inputs before anything is sent. */
async function badFiles(params: ParamSet, cwd: string): Promise<string[]> {
  const files = params.entries().filter((entry) => (entry.spec?.kind ?? entry.layerField?.kind) === 'file');
  const problems: string[] = [];
  for (const entry of files) {
    const check = await checkInputFile(path.resolve(cwd, String(entry.value)), { endpoint: 'edit' });
    if (!check.ok) problems.push(`${entry.source} ${JSON.stringify(entry.value)}: ${check.reason}`);
  }
  return problems;
}

export async function resolveCommandSettings(input: CommandInput, endpoint: Endpoint | null): Promise<CommandSettings> {
  const config = await loadConfig(input.configPath, { cwd: input.cwd, home: input.env.HOME });
  const problems = [...(input.argvProblems ?? []), ...unknownConfigKeys(config)];
  const run = resolveRunOptions(input.command, input.flags, input.env, config);
  const sharding = resolveShard(run.settings, run.sources, input.env);
  problems.push(...run.problems, ...sharding.problems, ...insecureOrigins(run.settings, run.sources));

  let params = new ParamSet([]);
  const warnings: string[] = await exposedKeyWarning(config);
  const chosen = choosePreset(run.settings.preset, run.sources.preset, config);
  problems.push(...chosen.problems);
  if (endpoint) {
    const fromConfig = configParams(endpoint, config);
    problems.push(...fromConfig.problems);
    const preset = chosen.preset ? presetRawParams(chosen.preset) : [];
    const implied = (await input.impliedParams?.(run.settings)) ?? [];
    // Lowest precedence first: the preset, what -o implies, the config file, the flags.
    const raws = [...preset, ...implied, ...fromConfig.params, ...input.flagParams];
    const headers = requestHeaders(run.settings, run.sources);
    for (const context of input.contexts) {
      const built = buildParamSet(endpoint, raws, { ...context, headers });
      params = built.params;
      for (const problem of built.problems) if (!problems.includes(problem)) problems.push(problem);
      for (const warning of built.warnings) if (!warnings.includes(warning)) warnings.push(warning);
    }
    if (chosen.preset) {
      problems.push(...presetContradictions(chosen.preset, params));
      warnings.push(...presetAdvisories(chosen.preset, params));
      warnings.push(...presetOverrides(chosen.preset, preset, params));
    }
    problems.push(...(await badFiles(params, input.cwd)));
  }
  if (problems.length > 0) throw new UserError(problems);
  return {
    run: { ...run.settings, shard: sharding.shard },
    params,
    ...(chosen.preset && { preset: chosen.preset }),
    warnings,
    config,
  };
}
