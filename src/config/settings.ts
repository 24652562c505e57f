/**
 * Everything a command runs with, from argv + environment + config file, validated in one
 * place. Any problem stops the command before a request is sent (UserError, exit 2).
 */
import { stat } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { buildParamSet, ParamSet, type RawParam } from '../params/paramset.js';
import type { RuleContext } from '../params/rules.js';
import type { Endpoint } from '../params/types.js';
import { loadConfig, type LoadedConfig } from './load.js';
import type { CommandName, RunSettings } from './options.js';
import { configParams, resolveRunOptions, unknownConfigKeys } from './resolve.js';

export interface CommandInput {
  command: CommandName;
  /** Run option values from flags, by RunSettings key. */
  flags: Readonly<Record<string, unknown>>;
  /** Parameters from flags (`--padding`, `--layers.*`, `--param`), highest precedence. */
  flagParams: readonly RawParam[];
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
  warnings: string[];
  config: LoadedConfig;
}

/** Local files named by parameters must exist before anything is sent. */
async function missingFiles(params: ParamSet): Promise<string[]> {
  const files = params.entries().filter((entry) => (entry.spec?.kind ?? entry.layerField?.kind) === 'file');
  const problems: string[] = [];
  for (const entry of files) {
    const info = await stat(String(entry.value)).catch(() => null);
    if (!info?.isFile()) problems.push(`${entry.source}: no such file ${JSON.stringify(entry.value)}`);
  }
  return problems;
}

export async function resolveCommandSettings(input: CommandInput, endpoint: Endpoint | null): Promise<CommandSettings> {
  const config = await loadConfig(input.configPath, input.cwd);
  const problems = [...(input.argvProblems ?? []), ...unknownConfigKeys(config)];
  const run = resolveRunOptions(input.command, input.flags, input.env, config);
  problems.push(...run.problems);

  let params = new ParamSet([]);
  const warnings: string[] = [];
  if (endpoint) {
    const fromConfig = configParams(endpoint, config);
    problems.push(...fromConfig.problems);
    const raws = [...fromConfig.params, ...input.flagParams];
    for (const context of input.contexts) {
      const built = buildParamSet(endpoint, raws, context);
      params = built.params;
      for (const problem of built.problems) if (!problems.includes(problem)) problems.push(problem);
      for (const warning of built.warnings) if (!warnings.includes(warning)) warnings.push(warning);
    }
    problems.push(...(await missingFiles(params)));
  }
  if (problems.length > 0) throw new UserError(problems);
  return { run: run.settings, params, warnings, config };
}
