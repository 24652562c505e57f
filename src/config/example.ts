/**
 * The commented `.photoroomrc` template (`photoroom params --config-example`), generated from
 * the run options table and the parameter table so it always lists every supported key.
 */
import { flagOf, KEY, paramsFor } from '../params/table.js';
import type { Endpoint, ParamSpec } from '../params/types.js';
import { RUN_OPTIONS, switchFlagValue } from './options.js';

/**
 * The value shown for a parameter, which its comment must describe: a boolean's description
 * says what `true` does (`crop`: "Crop the result to the cutout border"), so `true` is shown;
 * a prompt shows its row's own example.
 */
function exampleValue(spec: ParamSpec): string {
  if (spec.kind === 'boolean') return 'true';
  if (spec.example !== undefined) return spec.example;
  if (spec.default !== undefined) return String(spec.default);
  switch (spec.kind) {
    case 'enum':
      return spec.enum?.[0] ?? '';
    case 'number':
      return String(spec.minimum ?? spec.maximum ?? 42);
    case 'pixels':
      return '1000';
    case 'length':
      return '10%';
    case 'color':
      return spec.colorStyle === 'hash' ? '"#FFFFFF"' : 'white';
    case 'url':
      return 'https://example.com/background.jpg';
    case 'urlList':
      return 'https://example.com/side.jpg,https://example.com/back.jpg';
    case 'numberOrPreset':
      return spec.enum?.[0] ?? '90';
    case 'file':
      return 'background.jpg';
    case 'uuid':
      return '123e4567-e89b-12d3-a456-426614174000';
    case 'outputSize':
      return '1000x1000';
    default:
      throw new Error(`${spec.name}: a ${spec.kind} row needs its own example for .photoroomrc.example`);
  }
}

function paramSection(endpoint: Endpoint, title: string): string[] {
  const rows = paramsFor(endpoint).filter((spec) => flagOf(spec) !== null && spec.kind !== 'layers');
  return [
    '',
    `# ${title}`,
    `# ${endpoint}:`,
    // A keyed row shows one key: `editWithAI.additionalImages.front.imageUrl`.
    ...rows.map(
      (spec) => `${`#   ${spec.name.replace(KEY, 'front')}: ${exampleValue(spec)}`.padEnd(56)} # ${spec.description}`,
    ),
  ];
}

export function configExample(): string {
  const runOptions = Object.entries(RUN_OPTIONS).map(([key, spec]) => {
    // A switch shows the value its flag sets, which its description is written for.
    const value =
      spec.kind === 'switch' ? String(switchFlagValue(spec)) : (spec.example ?? JSON.stringify(spec.default ?? ''));
    const env = spec.env ? ` (env ${spec.env})` : '';
    return `${`# ${key}: ${value}`.padEnd(38)} # ${spec.description}${env}`;
  });
  return [
    '# photoroom settings: copy to .photoroomrc (YAML or JSON; also .photoroomrc.json|yaml|yml,',
    '# photoroom.config.js|mjs or a "photoroom" key in package.json) and uncomment what you need.',
    '# Order of precedence: command-line flags, environment variables, this file, defaults.',
    '# Relative paths are relative to this file. Every value is validated like its flag.',
    '# A key stored here must not be readable by others: prefer PHOTOROOM_API_KEY.',
    '',
    ...runOptions,
    ...paramSection('edit', 'Parameters sent with every `photoroom edit` (flags override them; nested keys work too).'),
    `${'#   layers:'.padEnd(56)} # template layers, by layer id`,
    '#     logo:',
    '#       image:',
    '#         imageUrl: https://example.com/logo.png',
    ...paramSection('segment', 'Parameters sent with every `photoroom segment`.'),
    '',
    '# Presets of your own, for --preset (`photoroom presets` lists them with the built-in ones):',
    '# presets:',
    `${'#   myshop:'.padEnd(56)} # a name that is not a built-in preset's`,
    `${'#     extends: amazon'.padEnd(56)} # optional: a built-in or another preset here`,
    `${'#     description: white, more air'.padEnd(56)} # optional`,
    `${'#     params: { padding: 0.07 }'.padEnd(56)} # /v2/edit parameters, as under edit:`,
    `${'#     checks: { minFill: 0.8, formats: [jpeg] }'.padEnd(56)} # figures by check name; false drops one`,
    '',
  ].join('\n');
}
