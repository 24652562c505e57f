/** How many images failed each rule, for a summary: the check's and edit --preset's. */
import { CHECK_NAMES, type CheckName } from '../presets/types.js';
import type { RuleFailure } from './judge.js';

export class RuleCounts {
  private readonly counts = new Map<CheckName, number>();

  /** One image's failed rules. */
  add(failures: readonly Pick<RuleFailure, 'check'>[]): void {
    for (const { check } of failures) this.counts.set(check, (this.counts.get(check) ?? 0) + 1);
  }

  /** The counts in the checks' order. */
  toRecord(): Partial<Record<CheckName, number>> {
    return Object.fromEntries(
      CHECK_NAMES.flatMap((name) => (this.counts.has(name) ? [[name, this.counts.get(name)]] : [])),
    );
  }
}
