/** `photoroom params`: the parameter table, for people (a table) and programs (`--json`). */
import type { Command } from 'commander';
import { configExample } from '../../config/example.js';
import { UserError } from '../../errors.js';
import { contractType, flagOf, PARAMS } from '../../params/table.js';
import type { Endpoint, ParamSpec } from '../../params/types.js';
import { describeKind } from '../../params/values.js';
import { addFlagTable, isOn, oneOf, type FlagTable } from '../flag-table.js';
import { helpWidth, proseAfterHelp } from '../help.js';
import type { Io } from '../io.js';
import { layerFlagsHelp } from '../param-flags.js';
import { formatTable, wrapLine } from '../text.js';

function asJson(spec: ParamSpec) {
  const flag = flagOf(spec);
  return {
    name: spec.name,
    endpoints: spec.endpoints,
    ...(spec.methods && { methods: spec.methods }),
    type: contractType(spec),
    ...(spec.enum && { enum: spec.enum }),
    ...(spec.minimum !== undefined && { minimum: spec.minimum }),
    ...(spec.maximum !== undefined && { maximum: spec.maximum }),
    ...(spec.exclusiveMinimum !== undefined && { exclusiveMinimum: spec.exclusiveMinimum }),
    ...(spec.pattern && { pattern: spec.pattern }),
    ...(spec.minItems !== undefined && { minItems: spec.minItems }),
    ...(spec.maxItems !== undefined && { maxItems: spec.maxItems }),
    ...(spec.replacedBy && { replacedBy: spec.replacedBy }),
    ...(spec.default !== undefined && { default: spec.default }),
    flag: flag === null ? null : `--${flag}`,
    ...(spec.aliases && { aliases: spec.aliases.map((alias) => `--${alias}`) }),
    description: spec.description,
  };
}

/** `--bg, --background.color`: the aliases, then the flag. */
function flagCell(spec: ParamSpec): string {
  const flag = flagOf(spec);
  if (flag === null) return `(${spec.name}: the input)`;
  return [...(spec.aliases ?? []), flag].map((spelling) => `--${spelling}`).join(', ');
}

function endpointCell(spec: ParamSpec): string {
  return [spec.endpoints.join(', '), ...(spec.methods ?? [])].join(' ');
}

/** The description, then what the parameter takes and its API default. */
function descriptionCell(spec: ParamSpec): string[] {
  const takes =
    spec.kind === 'image' || spec.kind === 'layers' ? [] : [`values: ${describeKind(spec).replaceAll('|', ' | ')}`];
  const byDefault = spec.default === undefined ? [] : [`API default: ${String(spec.default)}`];
  const details = [...takes, ...byDefault].join('; ');
  return details ? [spec.description, details] : [spec.description];
}

const COLUMNS = [{ title: 'FLAG', max: 30 }, { title: 'ENDPOINT', max: 12 }, { title: 'DESCRIPTION' }];

function asTable(specs: readonly ParamSpec[], width: number): string {
  const rows = specs.map((spec) => [[flagCell(spec)], [endpointCell(spec)], descriptionCell(spec)]);
  const layers = specs.some((spec) => spec.kind === 'layers') ? ['', ...wrapLine(layerFlagsHelp(), width)] : [];
  return [...formatTable(COLUMNS, rows, width), ...layers].join('\n');
}

interface ParamsFlags {
  endpoint?: Endpoint;
  json?: boolean;
  configExample?: boolean;
}

const ENDPOINTS: readonly Endpoint[] = ['edit', 'segment'];

export const PARAMS_OPTIONS: FlagTable<ParamsFlags> = {
  endpoint: {
    flag: '--endpoint',
    placeholder: '<endpoint>',
    choices: ENDPOINTS,
    read: oneOf(ENDPOINTS),
    description: 'only the parameters of one endpoint',
  },
  json: {
    flag: '--json',
    read: isOn,
    description: 'print a JSON array (name, endpoints, type, enum, bounds, pattern, default, flag, description)',
  },
  configExample: {
    flag: '--config-example',
    read: isOn,
    description: 'print a commented .photoroomrc with every supported key',
  },
};

export function defineParams(command: Command, io: Io): void {
  command.addHelpText(
    'after',
    proseAfterHelp(
      "\nExamples:\n  photoroom params --endpoint segment\n  photoroom params --json | jq '.[] | select(.enum)'\n  photoroom params --config-example > .photoroomrc",
      io.stdout,
    ),
  );
  const readFlags = addFlagTable(command, PARAMS_OPTIONS);
  command.action(() => {
    const { values: flags, problems } = readFlags();
    if (problems.length > 0) throw new UserError(problems);
    if (flags.configExample) {
      io.stdout.write(configExample());
      return;
    }
    const specs = PARAMS.filter((spec) => !flags.endpoint || spec.endpoints.includes(flags.endpoint));
    io.stdout.write(
      flags.json ? `${JSON.stringify(specs.map(asJson), null, 2)}\n` : `${asTable(specs, helpWidth(io.stdout))}\n`,
    );
  });
}
