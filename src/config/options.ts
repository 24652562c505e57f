/**
 * Run options: everything that is not an API parameter. Each row says where a value may
 * come from (flag, environment variable, config key) and how it is read; `resolve.ts`
 * applies the precedence flags > environment > config file > default.
 */
import { Option } from 'commander';
import { DEFAULT_MAX_ANSWER_MB } from '../api/answer.js';

export type CommandName = 'edit' | 'segment' | 'account';

export type RunOptionKind = 'text' | 'secret' | 'url' | 'path' | 'count' | 'seconds' | 'switch';

/** Run options once resolved; those without a default may be absent. */
export interface RunSettings {
  apiKey?: string;
  baseUrl?: string;
  segmentUrl?: string;
  allowInsecureHttp?: boolean;
  out: string;
  concurrency: number;
  rate?: number;
  retries: number;
  timeout: number;
  confirmOver: number;
  giveUpAfter: number;
  maxAnswerSize: number;
  name?: string;
  aiBackgroundModelVersion?: string;
  backgroundRemovalModelVersion?: string;
}

export interface RunOptionSpec {
  /** Key in RunSettings and in the config file. */
  readonly key: keyof RunSettings;
  /** Commander flag spelling, e.g. `-o, --out <dir>`. */
  readonly flag: string;
  readonly env?: string;
  readonly kind: RunOptionKind;
  readonly default?: string | number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly commands: readonly CommandName[];
  readonly description: string;
  /** A value for `.photoroomrc.example` where there is no default. */
  readonly example?: string;
}

const ALL: readonly CommandName[] = ['edit', 'segment', 'account'];
const IMAGE_COMMANDS: readonly CommandName[] = ['edit', 'segment'];

export const RUN_OPTIONS: readonly RunOptionSpec[] = [
  {
    key: 'apiKey', flag: '--api-key <key>', env: 'PHOTOROOM_API_KEY', kind: 'secret', commands: ALL, example: 'sk_...',
    description: 'API key (prefer the PHOTOROOM_API_KEY environment variable: flags show up in `ps`)',
  },
  {
    key: 'baseUrl', flag: '--base-url <url>', env: 'PHOTOROOM_BASE_URL', kind: 'url', commands: ALL,
    example: 'http://127.0.0.1:8787',
    description: 'send every endpoint to this origin instead of the Photoroom hosts (e.g. an emulator)',
  },
  {
    key: 'segmentUrl', flag: '--segment-url <url>', env: 'PHOTOROOM_SEGMENT_URL', kind: 'url', example: 'http://127.0.0.1:8787',
    commands: ['segment'], description: 'origin for /v1/segment alone (default https://sdk.photoroom.com)',
  },
  {
    key: 'allowInsecureHttp', flag: '--allow-insecure-http', kind: 'switch', commands: ALL, example: 'false',
    description: 'allow an http:// --base-url that is not loopback (the key would travel unencrypted)',
  },
  {
    key: 'out', flag: '-o, --out <dir>', env: 'PHOTOROOM_OUT', kind: 'path', default: 'photoroom-out',
    commands: IMAGE_COMMANDS, description: 'folder the results are written to',
  },
  {
    key: 'concurrency', flag: '--concurrency <n>', env: 'PHOTOROOM_CONCURRENCY', kind: 'count', default: 8,
    minimum: 1, maximum: 256, commands: IMAGE_COMMANDS, description: 'requests in flight at once',
  },
  {
    key: 'rate', flag: '--rate <n>', env: 'PHOTOROOM_RATE', kind: 'count', minimum: 1, maximum: 100_000, example: '120',
    commands: IMAGE_COMMANDS, description: 'at most N requests a minute (default: as fast as concurrency allows)',
  },
  {
    key: 'retries', flag: '--retries <n>', env: 'PHOTOROOM_RETRIES', kind: 'count', default: 4, minimum: 0, maximum: 20,
    commands: IMAGE_COMMANDS, description: 'retries per input on 5xx, 429 and network faults',
  },
  {
    key: 'giveUpAfter', flag: '--give-up-after <seconds>', env: 'PHOTOROOM_GIVE_UP_AFTER', kind: 'seconds', default: 120,
    minimum: 1, maximum: 86_400, commands: IMAGE_COMMANDS,
    description: 'stop the run when every request has failed for this long (a service that is down)',
  },
  {
    key: 'maxAnswerSize', flag: '--max-answer-size <MB>', env: 'PHOTOROOM_MAX_ANSWER_SIZE', kind: 'count', default: DEFAULT_MAX_ANSWER_MB,
    minimum: 1, maximum: 100_000, commands: IMAGE_COMMANDS,
    description: 'cut off and fail an answer larger than this many MB (far above any real result)',
  },
  {
    key: 'confirmOver', flag: '--confirm-over <n>', kind: 'count', default: 50, minimum: 0, maximum: 10_000_000,
    commands: IMAGE_COMMANDS, description: 'on a terminal, ask before sending more than N images',
  },
  {
    key: 'name', flag: '--name <template>', kind: 'text', commands: IMAGE_COMMANDS, example: '"{dir}/{name}.{ext}"',
    description: 'output names, from {dir} {name} {ext} {srcext} (default {dir}/{name}.{ext})',
  },
  {
    key: 'timeout', flag: '--timeout <seconds>', env: 'PHOTOROOM_TIMEOUT', kind: 'seconds', default: 120,
    minimum: 1, maximum: 3600, commands: ALL, description: 'give up on a request after this many seconds',
  },
  {
    key: 'aiBackgroundModelVersion', flag: '--ai-background-model-version <version>', kind: 'text', example: '3',
    commands: ['edit'], description: 'AI backgrounds model (sent as the pr-ai-background-model-version header)',
  },
  {
    key: 'backgroundRemovalModelVersion', flag: '--background-removal-model-version <version>', kind: 'text', example: '2',
    commands: ['edit'], description: 'cutout model (sent as the pr-background-removal-model-version header)',
  },
];

export function runOptionsFor(command: CommandName): RunOptionSpec[] {
  return RUN_OPTIONS.filter((spec) => spec.commands.includes(command));
}

/** The commander option of a row; no commander default, so that precedence stays ours. */
export function runOptionFlag(spec: RunOptionSpec): Option {
  const extra = [spec.env ? `env ${spec.env}` : '', spec.default !== undefined ? `default ${spec.default}` : '']
    .filter(Boolean)
    .join(', ');
  return new Option(spec.flag, extra ? `${spec.description} (${extra})` : spec.description);
}
