/**
 * Run options: everything that is not an API parameter, one row per setting. A row names
 * the flag, the environment variable and the config key (its key in RunSettings) of one
 * setting, and how its value is read; `resolve.ts` applies the one precedence, flags >
 * environment > config file > default. The compiler demands a row for every setting, and a
 * kind that reads the setting's type.
 */
import { DEFAULT_MAX_ANSWER_MB } from '../api/answer.js';
import type { Shard } from '../inputs/shard.js';

export type CommandName = 'edit' | 'segment' | 'account' | 'check';

/** Run options once resolved; those without a default may be absent. */
export interface RunSettings {
  apiKey?: string;
  baseUrl?: string;
  segmentUrl?: string;
  allowInsecureHttp: boolean;
  out: string;
  stateDir?: string;
  name?: string;
  fromFile?: string;
  column?: string;
  /** Lists are NUL-separated: `-0, --null`, as xargs spells it. */
  null: boolean;
  include: string[];
  exclude: string[];
  convert: boolean;
  fitInputs: boolean;
  watch: boolean;
  watchSettle: number;
  overwrite: boolean;
  dryRun: boolean;
  yes: boolean;
  maxImages?: number;
  shard?: Shard;
  shards?: number;
  confirmOver: number;
  concurrency: number;
  rate?: number;
  retries: number;
  timeout: number;
  giveUpAfter: number;
  maxAnswerSize: number;
  aiBackgroundModelVersion?: string;
  aiShadowsModelVersion?: string;
  backgroundRemovalModelVersion?: string;
  /** A marketplace preset (`amazon`, or one the config file defines): parameters of the lowest precedence. */
  preset?: string;
  report: boolean;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  progress: boolean;
}

/** How a value is read (see resolve.ts), by the type it gives. */
interface KindsOf {
  string: 'text' | 'secret' | 'url' | 'path';
  number: 'count' | 'seconds' | 'shard-count';
  boolean: 'switch';
  list: 'list';
  shard: 'shard';
}

export type RunOptionKind = KindsOf[keyof KindsOf];

type KindFor<Value> = Value extends boolean
  ? KindsOf['boolean']
  : Value extends number
    ? KindsOf['number']
    : Value extends string
      ? KindsOf['string']
      : Value extends Shard
        ? KindsOf['shard']
        : KindsOf['list'];

/** What every option of `edit`, `segment` and `account` gives: its flag, how it is read and shown. */
export interface OptionSpec<Kind extends RunOptionKind = RunOptionKind> {
  /** The long flag, as typed: `--out`. A switch whose default is on is turned off by `--no-<name>`. */
  readonly flag: `--${string}`;
  readonly short?: `-${string}`;
  /** What the flag's value is called in `--help`: `<dir>`. Switches take none; a list repeats. */
  readonly placeholder?: `<${string}>`;
  readonly kind: Kind;
  readonly default?: string | number | boolean | readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly commands: readonly CommandName[];
  /** The `--help` section; the plain "Options:" when absent. */
  readonly group?: string;
  /** Listed among the common options of the short `--help`; every flag is in `--help-all`. */
  readonly common?: boolean;
  readonly description: string;
}

/**
 * The value a switch's flag sets, which its description is written for: `--watch` turns
 * watching on (true), `--no-convert` turns converting off (false).
 */
export function switchFlagValue(spec: Pick<OptionSpec, 'default'>): boolean {
  return spec.default !== true;
}

/** A run option: a setting given by its flag, its environment variable or a config file. */
export interface RunOptionSpec<Kind extends RunOptionKind = RunOptionKind> extends OptionSpec<Kind> {
  readonly env?: `PHOTOROOM_${string}`;
  /** A value for `.photoroomrc.example` where there is no default. */
  readonly example?: string;
  /**
   * This row is another way to set that one (`--shards N` and `--shard I/N` both choose the
   * shard): the highest source that gives either decides, and one source giving both is refused.
   */
  readonly alternativeTo?: keyof RunSettings;
  /** The request header this setting is sent as (the model versions: `pr-ai-shadows-model-version`). */
  readonly header?: `pr-${string}`;
}

const ALL: readonly CommandName[] = ['edit', 'segment', 'account'];
const IMAGE_COMMANDS: readonly CommandName[] = ['edit', 'segment'];
/** The commands that read images named as inputs: the API's, and `check`, which reads them on disk. */
const READS_IMAGES: readonly CommandName[] = [...IMAGE_COMMANDS, 'check'];
const INPUTS = 'Inputs and outputs:';
const RUN = 'Run options:';
const OUTPUT = 'What is printed:';
const CONNECTION = 'Connection:';
const OTHER = 'Other options:';

export const RUN_OPTIONS: {
  readonly [Key in keyof RunSettings]-?: RunOptionSpec<KindFor<NonNullable<RunSettings[Key]>>>;
} = {
  apiKey: {
    flag: '--api-key',
    placeholder: '<key>',
    env: 'PHOTOROOM_API_KEY',
    kind: 'secret',
    commands: ALL,
    group: CONNECTION,
    example: 'sk_...',
    description: 'API key (prefer the PHOTOROOM_API_KEY environment variable: flags show up in `ps`)',
  },
  baseUrl: {
    flag: '--base-url',
    placeholder: '<url>',
    env: 'PHOTOROOM_BASE_URL',
    kind: 'url',
    commands: ALL,
    group: CONNECTION,
    example: 'http://127.0.0.1:8787',
    description: 'send every endpoint to this origin instead of the Photoroom hosts (e.g. an emulator)',
  },
  segmentUrl: {
    flag: '--segment-url',
    placeholder: '<url>',
    env: 'PHOTOROOM_SEGMENT_URL',
    kind: 'url',
    commands: ['segment'],
    group: CONNECTION,
    example: 'http://127.0.0.1:8787',
    description: 'origin for /v1/segment alone (default https://sdk.photoroom.com)',
  },
  allowInsecureHttp: {
    flag: '--allow-insecure-http',
    kind: 'switch',
    default: false,
    commands: ALL,
    group: CONNECTION,
    description: 'allow an http:// --base-url that is not loopback (the key would travel unencrypted)',
  },
  out: {
    flag: '--out',
    short: '-o',
    placeholder: '<dir>',
    env: 'PHOTOROOM_OUT',
    kind: 'path',
    default: 'photoroom-out',
    commands: IMAGE_COMMANDS,
    common: true,
    group: INPUTS,
    description:
      'the folder or s3:// prefix results are written to; with one input, an image file name (mug-white.png) or - for stdout',
  },
  stateDir: {
    flag: '--state-dir',
    placeholder: '<dir>',
    env: 'PHOTOROOM_STATE_DIR',
    kind: 'path',
    commands: IMAGE_COMMANDS,
    group: INPUTS,
    example: '.photoroom-state',
    description: 'keep sidecars and the run log here, mirroring --out, so that --out holds only images',
  },
  name: {
    flag: '--name',
    placeholder: '<template>',
    kind: 'text',
    commands: IMAGE_COMMANDS,
    group: INPUTS,
    example: '"{dir}/{name}.{ext}"',
    description: 'output names, from {dir} {name} {ext} {srcext} (default {dir}/{name}.{ext})',
  },
  fromFile: {
    flag: '--from-file',
    placeholder: '<list>',
    kind: 'path',
    commands: READS_IMAGES,
    group: INPUTS,
    example: 'inputs.txt',
    description: 'read inputs from a file: one path or URL a line (a .csv: see --column)',
  },
  column: {
    flag: '--column',
    placeholder: '<name>',
    kind: 'text',
    commands: READS_IMAGES,
    group: INPUTS,
    example: 'image_url',
    description:
      'the CSV column holding the inputs, by header name or number (default: a path/file/image/url column, else the first)',
  },
  null: {
    flag: '--null',
    short: '-0',
    kind: 'switch',
    default: false,
    commands: READS_IMAGES,
    group: INPUTS,
    description: 'lists (- or --from-file) are NUL-separated, as find -print0 writes them',
  },
  include: {
    flag: '--include',
    placeholder: '<glob>',
    kind: 'list',
    default: [],
    commands: READS_IMAGES,
    group: INPUTS,
    example: '["*.jpg"]',
    description: 'only files matching this pattern, relative to their input folder (repeatable)',
  },
  exclude: {
    flag: '--exclude',
    placeholder: '<glob>',
    kind: 'list',
    default: [],
    commands: READS_IMAGES,
    group: INPUTS,
    example: '["**/raw/**"]',
    description: 'leave out files matching this pattern (repeatable)',
  },
  convert: {
    flag: '--convert',
    kind: 'switch',
    default: true,
    commands: IMAGE_COMMANDS,
    group: INPUTS,
    description:
      'refuse TIFF, GIF, AVIF, SVG, 16-bit PNG and CMYK JPEG inputs instead of converting them to PNG first (convert: false in a config file)',
  },
  fitInputs: {
    flag: '--fit-inputs',
    kind: 'switch',
    default: false,
    commands: IMAGE_COMMANDS,
    group: INPUTS,
    description: "scale down inputs over the endpoint's byte or pixel limits instead of refusing them",
  },
  watch: {
    flag: '--watch',
    kind: 'switch',
    default: false,
    commands: IMAGE_COMMANDS,
    group: RUN,
    description:
      'after the first pass, keep watching the input folders and process images added or changed, once written whole (Ctrl-C ends)',
  },
  watchSettle: {
    flag: '--watch-settle',
    placeholder: '<ms>',
    kind: 'count',
    default: 1000,
    minimum: 50,
    maximum: 600_000,
    commands: IMAGE_COMMANDS,
    group: RUN,
    description: 'with --watch, how long a file must stop growing before it counts as written',
  },
  overwrite: {
    flag: '--overwrite',
    kind: 'switch',
    default: false,
    commands: IMAGE_COMMANDS,
    group: RUN,
    description: 'redo inputs whose outputs are already up to date',
  },
  dryRun: {
    flag: '--dry-run',
    kind: 'switch',
    default: false,
    commands: IMAGE_COMMANDS,
    common: true,
    group: RUN,
    description: 'list what would be sent, as curl commands; send nothing',
  },
  yes: {
    flag: '--yes',
    short: '-y',
    kind: 'switch',
    default: false,
    commands: IMAGE_COMMANDS,
    common: true,
    group: RUN,
    description: 'skip the credits check and the confirmation',
  },
  maxImages: {
    flag: '--max-images',
    placeholder: '<n>',
    kind: 'count',
    minimum: 1,
    maximum: 100_000_000,
    commands: IMAGE_COMMANDS,
    group: RUN,
    example: '500',
    description: 'process at most N images in this run',
  },
  shard: {
    flag: '--shard',
    placeholder: '<i/n>',
    env: 'PHOTOROOM_SHARD',
    kind: 'shard',
    commands: IMAGE_COMMANDS,
    group: RUN,
    example: '"1/3"',
    description:
      'take only shard I of N (1-based), a stable part of the inputs, e.g. in a CI matrix; N shards share --rate',
  },
  shards: {
    flag: '--shards',
    placeholder: '<n>',
    env: 'PHOTOROOM_SHARDS',
    kind: 'shard-count',
    commands: IMAGE_COMMANDS,
    group: RUN,
    example: '3',
    alternativeTo: 'shard',
    description:
      'split the inputs into N shards and take the one JOB_COMPLETION_INDEX names (0-based, as a Kubernetes Indexed Job sets it)',
  },
  confirmOver: {
    flag: '--confirm-over',
    placeholder: '<n>',
    kind: 'count',
    default: 50,
    minimum: 0,
    maximum: 10_000_000,
    commands: IMAGE_COMMANDS,
    group: RUN,
    description: 'on a terminal, ask before sending more than N images',
  },
  concurrency: {
    flag: '--concurrency',
    placeholder: '<n>',
    env: 'PHOTOROOM_CONCURRENCY',
    kind: 'count',
    default: 8,
    minimum: 1,
    maximum: 256,
    commands: IMAGE_COMMANDS,
    group: RUN,
    description: 'requests in flight at once',
  },
  rate: {
    flag: '--rate',
    placeholder: '<n>',
    env: 'PHOTOROOM_RATE',
    kind: 'count',
    minimum: 1,
    maximum: 100_000,
    example: '120',
    commands: IMAGE_COMMANDS,
    group: RUN,
    description: 'at most N requests a minute (default: as fast as concurrency allows)',
  },
  retries: {
    flag: '--retries',
    placeholder: '<n>',
    env: 'PHOTOROOM_RETRIES',
    kind: 'count',
    default: 4,
    minimum: 0,
    maximum: 20,
    commands: IMAGE_COMMANDS,
    group: RUN,
    description: 'retries per input on 5xx, 429 and network faults',
  },
  timeout: {
    flag: '--timeout',
    placeholder: '<seconds>',
    env: 'PHOTOROOM_TIMEOUT',
    kind: 'seconds',
    default: 120,
    minimum: 1,
    maximum: 3600,
    commands: ALL,
    group: CONNECTION,
    description: 'give up on a request after this many seconds',
  },
  giveUpAfter: {
    flag: '--give-up-after',
    placeholder: '<seconds>',
    env: 'PHOTOROOM_GIVE_UP_AFTER',
    kind: 'seconds',
    default: 120,
    minimum: 1,
    maximum: 86_400,
    commands: IMAGE_COMMANDS,
    group: RUN,
    description: 'stop the run when every request has failed for this long (a service that is down)',
  },
  maxAnswerSize: {
    flag: '--max-answer-size',
    placeholder: '<MB>',
    env: 'PHOTOROOM_MAX_ANSWER_SIZE',
    kind: 'count',
    default: DEFAULT_MAX_ANSWER_MB,
    minimum: 1,
    maximum: 100_000,
    commands: IMAGE_COMMANDS,
    group: RUN,
    description: 'cut off and fail an answer larger than this many MB (far above any real result)',
  },
  aiBackgroundModelVersion: {
    flag: '--ai-background-model-version',
    placeholder: '<version>',
    kind: 'text',
    header: 'pr-ai-background-model-version',
    example: '3',
    commands: ['edit'],
    group: CONNECTION,
    description: 'AI backgrounds model (sent as the pr-ai-background-model-version header)',
  },
  aiShadowsModelVersion: {
    flag: '--ai-shadows-model-version',
    placeholder: '<version>',
    kind: 'text',
    header: 'pr-ai-shadows-model-version',
    example: '2026-04-15',
    commands: ['edit'],
    group: CONNECTION,
    description:
      'AI shadows model, e.g. 2026-04-15 for shadow.mode ai.preset-soft, ai.preset-hard and ai.auto-with-overrides (sent as the pr-ai-shadows-model-version header)',
  },
  backgroundRemovalModelVersion: {
    flag: '--background-removal-model-version',
    placeholder: '<version>',
    kind: 'text',
    header: 'pr-background-removal-model-version',
    example: '2',
    commands: ['edit'],
    group: CONNECTION,
    description: 'cutout model (sent as the pr-background-removal-model-version header)',
  },
  preset: {
    flag: '--preset',
    placeholder: '<name>',
    env: 'PHOTOROOM_PRESET',
    kind: 'text',
    commands: ['edit', 'check'],
    common: true,
    group: RUN,
    example: 'amazon',
    description:
      'a marketplace preset (amazon, walmart, ...: photoroom presets): its parameters, which flags override, and its checks',
  },
  report: {
    flag: '--report',
    kind: 'switch',
    default: false,
    commands: [...IMAGE_COMMANDS, 'check'],
    group: OUTPUT,
    description:
      'write photoroom-report.html at the end: a review page of the results in the output folder, or of the verdicts for check (see photoroom report)',
  },
  json: {
    flag: '--json',
    kind: 'switch',
    default: false,
    commands: [...ALL, 'check'],
    common: true,
    group: OUTPUT,
    description: 'machine-readable output on stdout: NDJSON events (edit, segment, check), one JSON object (account)',
  },
  quiet: {
    flag: '--quiet',
    short: '-q',
    kind: 'switch',
    default: false,
    commands: READS_IMAGES,
    group: OUTPUT,
    description: 'print only failures, warnings and the summary',
  },
  verbose: {
    flag: '--verbose',
    kind: 'switch',
    default: false,
    commands: [...ALL, 'check'],
    group: OUTPUT,
    description: 'also print the config file read, retries and skipped inputs',
  },
  progress: {
    flag: '--progress',
    kind: 'switch',
    default: true,
    commands: READS_IMAGES,
    group: OUTPUT,
    description: 'plain lines instead of a progress bar on a terminal (progress: false in a config file)',
  },
};

export type RunOptionKey = keyof RunSettings;

function isRunOptionKey(key: string): key is RunOptionKey {
  return Object.hasOwn(RUN_OPTIONS, key);
}

/** Every row, in table order. */
export function runOptionRows(): [RunOptionKey, RunOptionSpec][] {
  return Object.keys(RUN_OPTIONS)
    .filter(isRunOptionKey)
    .map((key) => [key, RUN_OPTIONS[key]]);
}

/** The rows of one command, in table order. */
export function runOptionsFor(command: CommandName): [RunOptionKey, RunOptionSpec][] {
  return runOptionRows().filter(([, spec]) => spec.commands.includes(command));
}

/**
 * Options given on the command line alone, never by the environment nor a config file: which
 * config file to read, where the requests go for this one run, and parameters passed through.
 */
export interface CommandLineSettings {
  /** Cannot come from a config file: it names the file. */
  config?: string;
  emulator?: boolean;
  /** `--param NAME=VALUE`, repeatable: API parameters the table does not know, read by cli/param-flags.ts. */
  param?: string[];
}

export const COMMAND_LINE_OPTIONS: {
  readonly [Key in keyof CommandLineSettings]-?: OptionSpec<KindFor<NonNullable<CommandLineSettings[Key]>>>;
} = {
  config: {
    flag: '--config',
    placeholder: '<path>',
    kind: 'path',
    commands: [...ALL, 'check'],
    group: OTHER,
    description: 'read settings from this file instead of searching for .photoroomrc',
  },
  emulator: {
    flag: '--emulator',
    kind: 'switch',
    default: false,
    commands: ALL,
    common: true,
    description: 'run against a local emulator started for this run (no key, no network, no credits)',
  },
  param: {
    flag: '--param',
    placeholder: '<name=value>',
    kind: 'list',
    commands: IMAGE_COMMANDS,
    group: OTHER,
    description: 'send a parameter the table does not know (repeatable)',
  },
};

/** The command-line-only options of one command, in table order. */
export function commandLineOptionsFor(command: CommandName): OptionSpec[] {
  return Object.values(COMMAND_LINE_OPTIONS).filter((spec) => spec.commands.includes(command));
}
