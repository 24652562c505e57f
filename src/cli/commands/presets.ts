/** `photoroom presets`: the marketplace presets, built in and from the config file, with their checks' sources. */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { configPresets } from '../../config/presets.js';
import { UserError } from '../../errors.js';
import { describeCheck } from '../../presets/describe.js';
import { PRESETS } from '../../presets/table.js';
import { CHECK_NAMES, type CheckName, type Preset } from '../../presets/types.js';
import { addFlagTable, asText, isOn, type FlagTable } from '../flag-table.js';
import { helpWidth, proseAfterHelp } from '../help.js';
import type { Io } from '../io.js';
import { escapeControls, jsonLine } from '../terminal.js';
import { wrapLine } from '../text.js';

interface PresetsFlags {
  json?: boolean;
  config?: string;
}

export const PRESETS_OPTIONS: FlagTable<PresetsFlags> = {
  json: {
    flag: '--json',
    read: isOn,
    description: 'one JSON object per preset, a line each (name, description, from, params, checks)',
  },
  config: {
    flag: '--config',
    placeholder: '<path>',
    read: asText,
    description: 'list the presets of this config file instead of the .photoroomrc found',
  },
};

const HELP = `
A preset sets /v2/edit parameters for a marketplace (photoroom edit --preset amazon); a flag
or the config file overrides any of them, with a warning, unless it breaks one of the
preset's checks. The checks are listed with the source of each figure; photoroom check
judges images on disk against them.

Examples:
  photoroom presets
  photoroom presets --json | jq -r .name
  photoroom edit ./products --preset amazon -o out/
  photoroom check out/ --preset amazon`;

/** The checks a preset holds, in the table's order, each described. */
function checksOf(preset: Preset) {
  return CHECK_NAMES.flatMap(<Name extends CheckName>(name: Name) => {
    const check = preset.checks[name];
    return check
      ? [
          {
            check: name,
            figure: check.figure,
            rule: describeCheck(name, check.figure, check.advisory),
            ...(check.advisory && { advisory: true }),
            source: check.source,
            ...(check.note && { note: check.note }),
          },
        ]
      : [];
  });
}

function asJson(preset: Preset) {
  return {
    name: preset.name,
    description: preset.description,
    from: preset.configFile ?? 'built-in',
    params: preset.params,
    checks: checksOf(preset),
  };
}

function asLines(preset: Preset, width: number): string[] {
  const from = preset.configFile ? `from ${preset.configFile}` : 'built in';
  const params = Object.entries(preset.params).map(([name, value]) => `${name} ${String(value)}`);
  const wrap = (text: string, indent: string) => wrapLine(text, width - indent.length).map((line) => indent + line);
  return [
    `${preset.name} (${from})`,
    ...wrap(preset.description, '  '),
    ...wrap(`parameters: ${params.join(', ') || 'none'}`, '  '),
    '  checks:',
    ...checksOf(preset).flatMap((check) => [
      ...wrap(check.rule, '    '),
      ...wrap(`source: ${check.source}${check.note ? `; ${check.note}` : ''}`, '      '),
    ]),
    '',
  ];
}

export function definePresets(command: Command, io: Io): void {
  command.addHelpText('after', proseAfterHelp(HELP, io.stdout));
  const readFlags = addFlagTable(command, PRESETS_OPTIONS);
  command.action(async () => {
    const { values: flags, problems } = readFlags();
    if (problems.length > 0) throw new UserError(problems);
    const config = await loadConfig(flags.config, { cwd: io.cwd, home: io.env.HOME });
    const fromConfig = configPresets(config);
    if (fromConfig.problems.length > 0) throw new UserError(fromConfig.problems);
    const presets = [...PRESETS, ...fromConfig.presets];
    const width = helpWidth(io.stdout);
    // A config file's descriptions are the user's text: escaped like any other printed.
    io.stdout.write(
      flags.json
        ? presets.map((preset) => jsonLine(asJson(preset))).join('')
        : presets.flatMap((preset) => asLines(preset, width).map((line) => `${escapeControls(line)}\n`)).join(''),
    );
  });
}
