/**
 * The emulator's fault and limit policy: for each incoming request, what the server should
 * do (answer normally after a delay, answer 500/502/503, destroy the connection, answer
 * 429, answer 402). Pure and seeded: no I/O, no timers, no wall clock, no Math.random.
 * The clock and the seed come in through options, so a run is reproducible from its flags
 * and tests run without waiting.
 *
 * Per request, `decide()` works in this fixed order (it decides reproducibility):
 *
 *   0. Draws. Every call to `decide()` takes exactly three numbers from the seeded PRNG,
 *      whatever the outcome: u1 (latency), u2 (fail/reset/pass), u3 (which 5xx). So the
 *      k-th request's random parts depend only on (seed, k): a 429 or 402 earlier in the
 *      run, or different rates, never shift the draws of later requests.
 *   1. Rate limit: at most `rateLimit` admitted requests per rolling window (60 s unless
 *      `rateWindowMs` says otherwise). A request
 *      beyond it is answered `rateLimited` and is NOT admitted (it does not enter the window).
 *      Every other request is admitted, including those later answered 402 or 5xx.
 *   2. Credits (billable requests only): if committed + reserved credits already reach
 *      `credits`, the answer is `noCredits`. Non-billable requests (/v2/account) skip this.
 *   3. Outcome from u2: u2 < failRate → `fail` (status from u3: 500, 502 or 503, one third
 *      each); else u2 < failRate + resetRate → `reset`; else `pass`. The two shares are
 *      disjoint, so each is exactly its rate of the admitted requests, and their sum must
 *      not exceed 1. Latency from u1 (uniform whole ms in [min, max]) applies to all three.
 *
 * Credits are reserve-then-commit: a billable `pass` reserves one credit at once, so
 * concurrent in-flight requests cannot overshoot; the server then calls
 * `settle(decision, succeeded)` once the answer is known: a 2xx commits the credit, anything
 * else (validation error, aborted connection) releases it. Failed calls cost nothing.
 */
import { performance } from 'node:perf_hooks';
import { UserError } from '../errors.js';
import { seededRandom } from './seed.js';

/** The rolling window of `--rate-limit N` (N a minute), in ms. */
export const RATE_WINDOW_MS = 60_000;

/** Largest delay a timer can wait (setTimeout clamps above 2^31 - 1 ms). */
const MAX_LATENCY_MS = 2_147_483_647;

export interface LatencyRange {
  min: number;
  max: number;
}

export interface FaultOptions {
  /** PRNG seed (an integer; taken modulo 2^32). Default 1. */
  seed?: number;
  /** Delay before answering, uniform whole ms in [min, max]. Default 0-0. */
  latency?: LatencyRange;
  /** Share of admitted requests answered 500, 502 or 503 (0..1). Default 0. */
  failRate?: number;
  /** Share of admitted requests whose connection is destroyed mid-response (0..1). Default 0. */
  resetRate?: number;
  /** Admitted requests per rolling 60 s window (≥ 1). Default unlimited. */
  rateLimit?: number;
  /** The window `rateLimit` counts over, in ms. Default 60 000 (a minute). */
  rateWindowMs?: number;
  /** Billable calls that may succeed before 402 (≥ 0). Default unlimited. */
  credits?: number;
  /** Clock in ms (only differences matter). Default: the process's monotonic clock. */
  now?: () => number;
}

export type FailStatus = 500 | 502 | 503;

export type Decision =
  /** Answer normally after `delayMs`; `billable` = a credit was reserved and awaits `settle`. */
  | { readonly kind: 'pass'; readonly delayMs: number; readonly billable: boolean }
  /** Answer `status` after `delayMs`. */
  | { readonly kind: 'fail'; readonly delayMs: number; readonly status: FailStatus }
  /** Destroy the connection mid-response after `delayMs`. */
  | { readonly kind: 'reset'; readonly delayMs: number }
  /** Answer 429 at once with `Retry-After: retryAfterSeconds`. */
  | { readonly kind: 'rateLimited'; readonly retryAfterSeconds: number }
  /** Answer 402 at once. */
  | { readonly kind: 'noCredits' };

export interface FaultRequest {
  /** A successful answer would be billed (/v2/edit, /v1/segment); false for /v2/account. */
  billable: boolean;
}

export interface AccountState {
  /** Credits left (limit minus committed), null when unlimited. */
  available: number | null;
  /** Committed credits: billable calls that succeeded. */
  used: number;
  /** Credits held by billable requests still in flight. */
  reserved: number;
}

export interface FaultStats {
  /** Calls to `decide()`. */
  requests: number;
  passed: number;
  failed: number;
  resets: number;
  rateLimited: number;
  noCredits: number;
  /** `pass` decisions settled as succeeded. */
  succeeded: number;
}

export interface FaultPolicy {
  /** One call per incoming request, in arrival order. */
  decide(request: FaultRequest): Decision;
  /** Commit (succeeded) or release a credit reserved by a billable `pass`; idempotent; no-op for other decisions. */
  settle(decision: Decision, succeeded: boolean): void;
  account(): AccountState;
  stats(): FaultStats;
}

const FAIL_STATUSES: readonly FailStatus[] = [500, 502, 503];

function checkRate(value: number, name: string, problems: string[]): void {
  if (!(value >= 0 && value <= 1)) problems.push(`${name} must be a probability between 0 and 1, got ${value}`);
}

function checkCount(value: number, name: string, min: number, problems: string[]): void {
  if (!Number.isSafeInteger(value) || value < min)
    problems.push(`${name} must be a whole number of at least ${min}, got ${value}`);
}

/**
 * Every problem with fault options: those read from flags (the text parsers below catch a
 * flag's own mistakes earlier) and programmatic ones.
 */
export function faultOptionProblems(options: FaultOptions): string[] {
  const problems: string[] = [];
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed))
    problems.push(`seed must be an integer, got ${options.seed}`);
  if (options.latency) {
    const { min, max } = options.latency;
    checkCount(min, 'latency min', 0, problems);
    checkCount(max, 'latency max', 0, problems);
    if (min > max) problems.push(`latency min (${min}) must not exceed max (${max})`);
    if (max > MAX_LATENCY_MS) problems.push(`latency must be at most ${MAX_LATENCY_MS} ms, got ${max}`);
  }
  const failRate = options.failRate ?? 0;
  const resetRate = options.resetRate ?? 0;
  checkRate(failRate, 'failRate', problems);
  checkRate(resetRate, 'resetRate', problems);
  if (failRate + resetRate > 1 + 1e-9) {
    problems.push(
      `--fail-rate (${failRate}) and --reset-rate (${resetRate}) are shares of the same requests: together they must not exceed 1`,
    );
  }
  if (options.rateLimit !== undefined) checkCount(options.rateLimit, 'rateLimit', 1, problems);
  if (options.credits !== undefined) checkCount(options.credits, 'credits', 0, problems);
  return problems;
}

export function createFaultPolicy(options: FaultOptions = {}): FaultPolicy {
  const problems = faultOptionProblems(options);
  if (problems.length > 0) throw new UserError(problems);

  const random = seededRandom(options.seed ?? 1);
  const latency = options.latency ?? { min: 0, max: 0 };
  const failRate = options.failRate ?? 0;
  const resetRate = options.resetRate ?? 0;
  const rateLimit = options.rateLimit;
  const rateWindowMs = options.rateWindowMs ?? RATE_WINDOW_MS;
  const credits = options.credits;
  const now = options.now ?? (() => performance.now());

  /** Admission times of the requests in the current window, oldest first (kept only with a rate limit). */
  const window: number[] = [];
  /** `pass` decisions not settled yet (billable ones hold a reserved credit). */
  const pending = new WeakSet<Decision>();
  let used = 0;
  let reserved = 0;
  const counts: FaultStats = {
    requests: 0,
    passed: 0,
    failed: 0,
    resets: 0,
    rateLimited: 0,
    noCredits: 0,
    succeeded: 0,
  };

  function decide(request: FaultRequest): Decision {
    counts.requests += 1;
    // 0. Always exactly three draws, so request k's randomness depends on (seed, k) alone.
    const uLatency = random();
    const uOutcome = random();
    const uStatus = random();

    // 1. Rate limit: a refused request is not admitted into the window.
    if (rateLimit !== undefined) {
      const time = now();
      while (window.length > 0 && (window[0] ?? 0) + rateWindowMs <= time) window.shift();
      if (window.length >= rateLimit) {
        counts.rateLimited += 1;
        const oldest = window[0] ?? time;
        const retryAfterSeconds = Math.max(1, Math.ceil((oldest + rateWindowMs - time) / 1000));
        return { kind: 'rateLimited', retryAfterSeconds };
      }
      window.push(time);
    }

    // 2. Credits, for billable requests only; in-flight reservations count.
    if (request.billable && credits !== undefined && used + reserved >= credits) {
      counts.noCredits += 1;
      return { kind: 'noCredits' };
    }

    // 3. Outcome and latency from this request's draws.
    const delayMs = latency.min + Math.floor(uLatency * (latency.max - latency.min + 1));
    if (uOutcome < failRate) {
      counts.failed += 1;
      const status = FAIL_STATUSES[Math.floor(uStatus * FAIL_STATUSES.length)] ?? 500;
      return { kind: 'fail', delayMs, status };
    }
    if (uOutcome < failRate + resetRate) {
      counts.resets += 1;
      return { kind: 'reset', delayMs };
    }
    counts.passed += 1;
    const decision: Decision = { kind: 'pass', delayMs, billable: request.billable };
    if (request.billable) reserved += 1;
    pending.add(decision); // settled at most once, billable or not (for the `succeeded` count)
    return decision;
  }

  function settle(decision: Decision, succeeded: boolean): void {
    if (decision.kind !== 'pass' || !pending.has(decision)) return;
    pending.delete(decision);
    if (succeeded) counts.succeeded += 1;
    if (!decision.billable) return;
    reserved -= 1;
    if (succeeded) used += 1;
  }

  return {
    decide,
    settle,
    account: () => ({ available: credits === undefined ? null : Math.max(0, credits - used), used, reserved }),
    stats: () => ({ ...counts }),
  };
}

// ---------------------------------------------------------------------------------------
// Text forms of the emulator's flags, shared by the CLI and the programmatic API. Each
// throws a UserError naming the flag and quoting what it got.

const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/;
const SIGNED_INTEGER = /^-?\d+$/;

/** `--latency MS` or `--latency MIN-MAX` (whole milliseconds, MIN ≤ MAX). */
export function parseLatency(text: string, flagName = '--latency'): LatencyRange {
  const trimmed = text.trim();
  const usage = `${flagName} expects whole milliseconds as MS or MIN-MAX (e.g. 200 or 100-800), got ${JSON.stringify(text)}`;
  const match = /^(-?[\d.]+)(?:\s*-\s*(-?[\d.]+))?$/.exec(trimmed);
  if (!match) throw new UserError(usage);
  const parts = [match[1], match[2]].filter((part): part is string => part !== undefined);
  const values: number[] = [];
  for (const part of parts) {
    if (part.startsWith('-') && DECIMAL.test(part.slice(1)))
      throw new UserError(`${flagName} cannot be negative, got ${JSON.stringify(text)}`);
    if (!DECIMAL.test(part)) throw new UserError(usage);
    const value = Number(part);
    // Too many digits read as Infinity, which is not a whole number either: say what is wrong with it.
    if (value > MAX_LATENCY_MS)
      throw new UserError(`${flagName} must be at most ${MAX_LATENCY_MS} ms, got ${JSON.stringify(text)}`);
    if (!Number.isInteger(value))
      throw new UserError(`${flagName} takes whole milliseconds, got ${JSON.stringify(text)}`);
    values.push(value);
  }
  const min = values[0] ?? 0;
  const max = values[1] ?? min;
  if (min > max) throw new UserError(`${flagName} ${JSON.stringify(text)}: MIN (${min}) must not exceed MAX (${max})`);
  return { min, max };
}

/** A probability between 0 and 1, e.g. `--fail-rate 0.05`. */
export function parseRate(text: string, flagName: string): number {
  const trimmed = text.trim();
  const value = DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!(value >= 0 && value <= 1)) {
    throw new UserError(`${flagName} expects a probability between 0 and 1 (e.g. 0.05), got ${JSON.stringify(text)}`);
  }
  return value;
}

/** A whole number ≥ `min` (default 0), e.g. `--credits 100`. */
export function parseCount(text: string, flagName: string, min = 0): number {
  const trimmed = text.trim();
  const value = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new UserError(`${flagName} expects a whole number of at least ${min}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** `--rate-limit N` (a minute) or `N/<window>` such as `20/5s`, `100/1m`: at least 1 request, 1 s to 1 h. */
export function parseRateLimit(text: string, flagName = '--rate-limit'): { limit: number; windowMs: number } {
  const match = /^\s*(\d+)\s*(?:\/\s*(\d+)\s*(s|m))?\s*$/.exec(text);
  const limit = Number(match?.[1]);
  const windowMs = match?.[2] ? Number(match[2]) * (match[3] === 'm' ? 60_000 : 1000) : RATE_WINDOW_MS;
  if (!match || !Number.isSafeInteger(limit) || limit < 1 || windowMs < 1000 || windowMs > 3_600_000) {
    throw new UserError(
      `${flagName} expects N requests a minute or N/WINDOW such as 20/5s or 100/1m, got ${JSON.stringify(text)}`,
    );
  }
  return { limit, windowMs };
}

/** `--seed N`: any integer (negative allowed; the PRNG takes it modulo 2^32). */
export function parseSeed(text: string, flagName = '--seed'): number {
  const trimmed = text.trim();
  const value = SIGNED_INTEGER.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isSafeInteger(value)) throw new UserError(`${flagName} expects an integer, got ${JSON.stringify(text)}`);
  return value;
}
