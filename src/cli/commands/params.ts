/** `photoroom params`: the parameter table, for people (a table) and programs (`--json`). */
import { Command, Option } from 'commander';
import { configExample } from '../../config/example.js';
import { contractType, flagOf, PARAMS } from '../../params/table.js';
import type { ParamSpec } from '../../params/types.js';
import { describeKind } from '../../params/values.js';
import type { Io } from '../io.js';

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
    ...(spec.default !== undefined && { default: spec.default }),
    flag: flag === null ? null : `--${flag}`,
    ...(spec.aliases && { aliases: spec.aliases.map((alias) => `--${alias}`) }),
    description: spec.description,
  };
}

function asTable(specs: readonly ParamSpec[]): string {
  const rows = specs.map((spec) => {
    const flag = flagOf(spec);
    return [
      flag === null ? `(${spec.name}: the input)` : `--${flag}`,
      spec.kind === 'image' ? '' : describeKind(spec),
      spec.default === undefined ? '' : String(spec.default),
      spec.description,
    ];
  });
  const header = ['FLAG', 'VALUES', 'DEFAULT', 'DESCRIPTION'];
  const widths = header.map((title, column) =>
    Math.min(column === 1 ? 34 : 40, Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length))),
  );
  const line = (cells: string[]) =>
    cells.map((cell, column) => (column < 3 ? cell.padEnd(widths[column] ?? 0) : cell)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function paramsCommand(io: Io): Command {
  return new Command('params')
    .description('list every API parameter: flag, allowed values, API default')
    .addOption(new Option('--endpoint <endpoint>', 'only the parameters of one endpoint').choices(['edit', 'segment']))
    .option('--json', 'print a JSON array (name, endpoints, type, enum, bounds, pattern, default, flag, description)')
    .option('--config-example', 'print a commented .photoroomrc with every supported key')
    .addHelpText('after', '\nExamples:\n  photoroom params --endpoint segment\n  photoroom params --json | jq \'.[] | select(.enum)\'\n  photoroom params --config-example > .photoroomrc')
    .action((options: { endpoint?: 'edit' | 'segment'; json?: boolean; configExample?: boolean }) => {
      if (options.configExample) {
        io.stdout.write(configExample());
        return;
      }
      const specs = PARAMS.filter((spec) => !options.endpoint || spec.endpoints.includes(options.endpoint));
      io.stdout.write(options.json ? `${JSON.stringify(specs.map(asJson), null, 2)}\n` : `${asTable(specs)}\n`);
    });
}
