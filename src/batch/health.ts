/**
 * Is the service down? It is declared down, and the run stops, when no request has
 * succeeded for `--give-up-after` (429s included: a service that only ever answers 429 is
 * down too), or when it keeps answering 2xx without a whole image (each one may have been billed).
 */
import type { ApiError } from '../api/errors.js';

/** A service is only declared down after this many failures in a row, however long they took. */
const FAILURES_BEFORE_GIVING_UP = 3;
/** 2xx without an image in a row (no success between) before stopping: each one may have been billed. */
const BAD_ANSWERS_BEFORE_STOPPING = 5;

export class ServiceHealth {
  private lastSuccessAt: number;
  private failuresSinceSuccess = 0;
  private badAnswersSinceSuccess = 0;

  constructor(
    private readonly giveUpAfterMs: number,
    private readonly now: () => number,
  ) {
    this.lastSuccessAt = now();
  }

  succeeded(): void {
    this.lastSuccessAt = this.now();
    this.failuresSinceSuccess = 0;
    this.badAnswersSinceSuccess = 0;
  }

  /** Notes a failure of the service; returns why the run should stop, or null. */
  failed(error: ApiError): string | null {
    this.failuresSinceSuccess += 1;
    if (error.mayBeBilled) {
      this.badAnswersSinceSuccess += 1;
      if (this.badAnswersSinceSuccess >= BAD_ANSWERS_BEFORE_STOPPING) {
        return `${this.badAnswersSinceSuccess} answers in a row were not whole images (the last: ${error.message}); stopped so that no more of them are paid for`;
      }
    }
    const failingFor = this.now() - this.lastSuccessAt;
    if (failingFor >= this.giveUpAfterMs && this.failuresSinceSuccess >= FAILURES_BEFORE_GIVING_UP) {
      return `no request has succeeded for ${Math.round(failingFor / 1000)} s (${this.failuresSinceSuccess} failures, the last: ${error.message})`;
    }
    return null;
  }
}
