/**
 * Is the service down? It is declared down, and the run stops, when no request has
 * succeeded for `--give-up-after` (429s included: a service that only ever answers 429 is
 * down too), or when it keeps answering 2xx without a whole image (each one may have been billed).
 */
import type { ApiError } from '../api/errors.js';
import type { BatchTiming } from './timing.js';

/** A service is only declared down after this many failures in a row, however long they took. */
const FAILURES_BEFORE_GIVING_UP = 3;
/** 2xx without an image in a row (no success between) before stopping: each one may have been billed. */
const BAD_ANSWERS_BEFORE_STOPPING = 5;

export interface HealthOptions {
  giveUpAfterMs: number;
  timing: Pick<BatchTiming, 'now' | 'sleep'>;
  /** Aborted when the run stops or sending ends: the give-up deadline's timer ends with it. */
  ended: AbortSignal;
  /**
   * Whether some input waits to be tried again and no request is in flight: what the deadline
   * may stop. An answer in flight may be the success; an idle --watch gives up on nothing.
   */
  waitingToRetry(): boolean;
  /** The service is down: the run stops, for this reason. */
  down(reason: string): void;
}

export class ServiceHealth {
  private lastSuccessAt: number;
  private failuresSinceSuccess = 0;
  private badAnswersSinceSuccess = 0;
  private lastFailure = '';
  /** A timer waits for the give-up deadline. */
  private deadlineWatched = false;

  constructor(private readonly options: HealthOptions) {
    this.lastSuccessAt = options.timing.now();
  }

  succeeded(): void {
    this.lastSuccessAt = this.options.timing.now();
    this.failuresSinceSuccess = 0;
    this.badAnswersSinceSuccess = 0;
  }

  /** Notes a failure of the service; stops the run if the service is down. */
  failed(error: ApiError): void {
    this.failuresSinceSuccess += 1;
    this.lastFailure = error.message;
    if (error.mayBeBilled) {
      this.badAnswersSinceSuccess += 1;
      if (this.badAnswersSinceSuccess >= BAD_ANSWERS_BEFORE_STOPPING) {
        return this.options.down(
          `${this.badAnswersSinceSuccess} answers in a row were not whole images (the last: ${error.message}); stopped so that no more of them are paid for`,
        );
      }
    }
    if (!this.giveUpIfDue()) this.watchDeadline();
  }

  /**
   * The deadline stops the run when it passes, not at the next failure, which a backoff or a
   * Retry-After may put long after it; but only while inputs just wait to be tried again
   * (waitingToRetry). Otherwise the next failure judges, as it comes.
   */
  private watchDeadline(): void {
    const { timing, ended, giveUpAfterMs } = this.options;
    const wait = this.lastSuccessAt + giveUpAfterMs - timing.now();
    // Passed already (with fewer failures than it takes, or nothing just waiting): the next failure judges.
    if (this.deadlineWatched || ended.aborted || wait <= 0) return;
    this.deadlineWatched = true;
    // Nobody waits for it: it ends at the deadline, or at once when the run stops or sending ends.
    void timing.sleep(wait, ended).then(() => {
      this.deadlineWatched = false;
      if (ended.aborted || this.failuresSinceSuccess === 0) return;
      // A success since moved the deadline on: watch the new one.
      if (!this.options.waitingToRetry() || !this.giveUpIfDue()) this.watchDeadline();
    });
  }

  /** Stops the run if nothing has succeeded for --give-up-after and enough failures came; true if it did. */
  private giveUpIfDue(): boolean {
    const failingFor = this.options.timing.now() - this.lastSuccessAt;
    if (failingFor < this.options.giveUpAfterMs || this.failuresSinceSuccess < FAILURES_BEFORE_GIVING_UP) return false;
    this.options.down(
      `no request has succeeded for ${Math.round(failingFor / 1000)} s (${this.failuresSinceSuccess} failures, the last: ${this.lastFailure})`,
    );
    return true;
  }
}
