/**
 * An output checked as it is made (`edit --preset`): its verdict as the sidecar keeps it, with
 * a fingerprint of the checks it was judged by, so that a rerun judges again only when the
 * preset's checks changed, and never sends the input again for it.
 */
import { createHash } from 'node:crypto';
import { CHECK_NAMES, type Preset } from '../presets/types.js';
import type { PixelBudget } from './budget.js';
import type { Compliance } from './compliance-record.js';
import { judge } from './judge.js';
import { measureImage } from './measure.js';

/** A short hash of the preset's checks, their figures and which are advice: the same checks, the same fingerprint. */
export function checksFingerprint(preset: Preset): string {
  // A recommendation that becomes a rule with the same figure changes the verdict too.
  const figures = CHECK_NAMES.flatMap((name) => {
    const check = preset.checks[name];
    if (!check) return [];
    return [check.advisory ? [name, check.figure, 'advisory'] : [name, check.figure]];
  });
  return createHash('sha256').update(JSON.stringify(figures)).digest('hex').slice(0, 16);
}

/** Measures the output at `file` (its raster taken from `pixelBudget`) and judges it by the preset. */
export async function checkOutput(file: string, preset: Preset, pixelBudget: PixelBudget): Promise<Compliance> {
  const background = preset.checks.background?.figure.color;
  const measurement = await measureImage(file, { ...(background && { background }), pixelBudget });
  const checks = checksFingerprint(preset);
  if (!measurement.ok) return { preset: preset.name, checks, pass: false, failures: [], error: measurement.reason };
  const { pass, failures, advice, unmeasured } = judge(preset, {
    facts: measurement.facts,
    pixels: measurement.pixels,
  });
  const verdict = { preset: preset.name, checks, pass, failures, ...(advice.length > 0 && { advice }) };
  return unmeasured === undefined ? verdict : { ...verdict, pass: false, error: unmeasured };
}

/** Whether a recorded verdict holds for the preset's checks as they are now. */
export function isCurrent(recorded: Compliance | undefined, preset: Preset): recorded is Compliance {
  return recorded?.preset === preset.name && recorded.checks === checksFingerprint(preset);
}

export { complianceFrom, type Compliance } from './compliance-record.js';
