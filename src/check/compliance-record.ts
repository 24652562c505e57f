/**
 * An output's verdict as the sidecar keeps it (`edit --preset`), and its reader: shared by the
 * engine (a rerun re-judges only when the checks changed) and the review page. Free of the
 * measuring code, so the page loads without it.
 */
import type { RuleFailure } from './judge.js';

export interface Compliance {
  preset: string;
  /** The fingerprint of the checks judged by (`checksFingerprint`). */
  checks: string;
  pass: boolean;
  failures: RuleFailure[];
  /** The preset's recommendations the output misses: told, not refused. */
  advice?: RuleFailure[];
  /** Why the output could not be measured: it does not pass. */
  error?: string;
}

/** A verdict read back from a sidecar, or undefined when it is not one. */
export function complianceFrom(value: unknown): Compliance | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Partial<Compliance>;
  if (
    typeof record.preset !== 'string' ||
    typeof record.checks !== 'string' ||
    typeof record.pass !== 'boolean' ||
    !Array.isArray(record.failures)
  )
    return undefined;
  // Anyone can edit a sidecar: a failure without a reason in words is not one to show.
  const failures = (record.failures as unknown[]).filter(
    (failure): failure is RuleFailure => typeof (failure as { reason?: unknown } | null)?.reason === 'string',
  );
  const { error, advice } = record;
  return {
    preset: record.preset,
    checks: record.checks,
    pass: record.pass,
    failures,
    ...(Array.isArray(advice) && { advice }),
    ...(typeof error === 'string' && { error }),
  };
}
