/** The flags of `photoroom emulator`, as a table (cli/flag-table.ts): how each is shown and read. */
import { UserError } from '../../errors.js';
import {
  parseCount,
  parseLatency,
  parseRate,
  parseRateLimit,
  parseSeed,
  type LatencyRange,
} from '../../emulator/faults.js';
import { asText, isOn, type FlagRow, type FlagTable } from '../flag-table.js';

/** What the emulator's flags give, once read. */
export interface EmulatorFlags {
  host?: string;
  port?: number;
  seed?: number;
  latency?: LatencyRange;
  failRate?: number;
  resetRate?: number;
  rateLimit?: { limit: number; windowMs: number };
  noRetryAfter?: boolean;
  credits?: number;
  apiKey?: string;
  echo?: boolean;
  verbose?: boolean;
}

/** A whole number of at least the row's minimum. */
const count = (given: string | true, row: FlagRow<number>) => parseCount(String(given), row.flag, row.minimum);

/** A port from the row's bounds; 0 asks the system for any free one. */
function port(given: string | true, row: FlagRow<number>): number {
  const text = String(given).trim();
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= (row.minimum ?? 0) && value <= (row.maximum ?? 0))) {
    throw new UserError(`${row.flag} ${String(given)}: a port is a number from 1 to ${row.maximum} (0: any free port)`);
  }
  return value;
}

const probability = (given: string | true, row: FlagRow<number>) => parseRate(String(given), row.flag);

/** Declared with `satisfies`, so that a row's default keeps its type where the command reads it. */
export const EMULATOR_OPTIONS = {
  host: {
    flag: '--host',
    placeholder: '<host>',
    default: '127.0.0.1',
    read: asText,
    description: 'address to listen on',
  },
  port: {
    flag: '--port',
    placeholder: '<port>',
    default: 0,
    minimum: 0,
    maximum: 65_535,
    read: port,
    description: 'port to listen on (0: any free port)',
  },
  seed: {
    flag: '--seed',
    placeholder: '<n>',
    default: 1,
    read: (given, row) => parseSeed(String(given), row.flag),
    description: 'seed of every random decision',
  },
  latency: {
    flag: '--latency',
    placeholder: '<ms>',
    read: (given, row) => parseLatency(String(given), row.flag),
    description: 'delay before each answer: MS or MIN-MAX (uniform)',
  },
  failRate: {
    flag: '--fail-rate',
    placeholder: '<p>',
    read: probability,
    description: 'share of requests answered 500, 502 or 503 (0 to 1)',
  },
  resetRate: {
    flag: '--reset-rate',
    placeholder: '<p>',
    read: probability,
    description: 'share of requests whose connection is dropped mid-response (0 to 1)',
  },
  rateLimit: {
    flag: '--rate-limit',
    placeholder: '<n>',
    read: (given, row) => parseRateLimit(String(given), row.flag),
    description: 'at most N requests a minute (or N/10s, N/5m); 429 beyond, with Retry-After unless --no-retry-after',
  },
  noRetryAfter: {
    flag: '--no-retry-after',
    read: isOn,
    description: "--rate-limit's 429s without Retry-After, as the API documents them",
  },
  credits: {
    flag: '--credits',
    placeholder: '<n>',
    minimum: 0,
    read: count,
    description: 'answer 402 once N billable calls have succeeded',
  },
  apiKey: {
    flag: '--api-key',
    placeholder: '<key>',
    read: asText,
    description: 'accept only this key (default: any non-empty key)',
  },
  echo: {
    flag: '--echo',
    read: isOn,
    description: 'skip rendering: answer the uploaded bytes (throughput benchmarks)',
  },
  verbose: { flag: '--verbose', read: isOn, description: 'log one line per request on stderr' },
} satisfies FlagTable<EmulatorFlags>;
