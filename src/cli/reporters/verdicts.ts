/** A preset's verdicts in words, for `photoroom check` and `edit --preset` alike. */
import type { RuleFailure } from '../../check/judge.js';
import { describeCheck } from '../../presets/describe.js';
import type { CheckName, Preset } from '../../presets/types.js';
import { escapeControls } from '../terminal.js';
import { count, label } from './words.js';
import type { Style } from './style.js';

/** `refused out/a.jpg: product fills 71% of the frame; amazon wants 85% or more`, a line per failed rule. */
export function refusalLines(
  image: string,
  verdict: { failures: readonly Pick<RuleFailure, 'reason'>[]; error?: string },
  style: Style,
): string[] {
  const reasons = verdict.error
    ? [`could not be measured: ${verdict.error}`]
    : verdict.failures.map((failure) => failure.reason);
  return reasons.map((reason) => `${label('refused', style.red)}${escapeControls(image)}: ${escapeControls(reason)}`);
}

/** `advice  out/a.jpg: product fills 95% of the frame; google recommends 90% or less`, a line per recommendation missed. */
export function adviceLines(image: string, advice: readonly Pick<RuleFailure, 'reason'>[], style: Style): string[] {
  return advice.map(
    (missed) => `${label('advice', style.yellow)}${escapeControls(image)}: ${escapeControls(missed.reason)}`,
  );
}

/** `  2 images failed: product fills 85% of the frame or more`, a line per rule, in the checks' order. */
export function ruleCountLines(
  byRule: Partial<Record<CheckName, number>>,
  preset: Preset | undefined,
  noun: string,
  verb = 'failed',
): string[] {
  return (Object.entries(byRule) as [CheckName, number][]).map(([name, failed]) => {
    const check = preset?.checks[name];
    const rule = check ? describeCheck(name, check.figure, check.advisory) : name;
    return `  ${count(failed, noun)} ${verb}: ${escapeControls(rule)}`;
  });
}
