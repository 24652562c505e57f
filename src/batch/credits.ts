/**
 * The cost guard before a batch: the account must have the images the batch needs, and a
 * large batch on a terminal is confirmed first. Nothing is sent when either says no.
 */
import type { Client } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import { withRetries } from '../api/retry.js';
import type { StopEvent } from './events.js';
import type { BatchSettings } from './options.js';
import { refusalStop, stopEvent } from './stops.js';
import type { BatchTiming } from './timing.js';

export interface GuardOptions {
  client: Client;
  /** Images the batch would send. */
  count: number;
  /** `yes` skips both the credits check and the confirmation. */
  settings: Pick<BatchSettings, 'yes' | 'confirmOver' | 'retries'>;
  /** Asked before a batch larger than `confirmOver`; false cancels the run. */
  confirm?: (count: number) => Promise<boolean>;
  timing: BatchTiming;
  signal: AbortSignal;
}

/** A StopEvent when the run must not start, else null. */
export async function guardCredits(options: GuardOptions): Promise<StopEvent | null> {
  const { count, settings } = options;
  if (settings.yes) return null;
  let available: number;
  try {
    available = await availableImages(options);
  } catch (error) {
    if (error instanceof ApiError && error.refusesRun) return refusalStop(error);
    if (options.signal.aborted) return null;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ApiError({
      status: 0,
      kind: 'network',
      message: `could not check the account's credits before the batch: ${reason} (--yes skips this check)`,
    });
  }
  if (available < count) {
    const cap = Math.floor(available);
    const advice =
      cap >= 1 ? `use --max-images ${cap}, top up, or --yes to try anyway` : 'top up, or --yes to try anyway';
    return stopEvent(
      'credits',
      `${count} images to process but the account has ${available} left: nothing was sent (${advice})`,
    );
  }
  if (options.confirm && count > settings.confirmOver && !(await options.confirm(count))) {
    return stopEvent('cancelled', 'cancelled: nothing was sent');
  }
  return null;
}

/** GET /v2/account, retried like any request. */
function availableImages(options: GuardOptions): Promise<number> {
  return withRetries({
    attempt: async () => (await options.client.account()).images.available,
    budget: { retries: options.settings.retries, badAnswers: 0 },
    timing: options.timing,
    signal: options.signal,
  });
}
