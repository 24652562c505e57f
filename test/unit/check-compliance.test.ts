import { describe, expect, it } from 'vitest';
import { checksFingerprint, complianceFrom, isCurrent } from '../../src/check/compliance.js';
import { exitCodeOf } from '../../src/cli/exit-codes.js';
import { builtInPreset } from '../../src/presets/table.js';

const AMAZON = builtInPreset('amazon')!;

describe('the fingerprint of a preset’s checks', () => {
  it('changes with a figure, and not with where the figure comes from or a note', () => {
    const fingerprint = checksFingerprint(AMAZON);
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
    const moreFill = { ...AMAZON, checks: { ...AMAZON.checks, minFill: { figure: 0.9, source: 'x' } } };
    expect(checksFingerprint(moreFill)).not.toBe(fingerprint);
    const reworded = {
      ...AMAZON,
      checks: { ...AMAZON.checks, minFill: { figure: 0.85, source: 'elsewhere', note: 'n' } },
    };
    expect(checksFingerprint(reworded)).toBe(fingerprint);
    // Parameters are the request's business (a new request, billed): not the checks'.
    expect(checksFingerprint({ ...AMAZON, params: {} })).toBe(fingerprint);
  });

  it('holds a recorded verdict current only for the same preset and checks', () => {
    const recorded = { preset: 'amazon', checks: checksFingerprint(AMAZON), pass: true, failures: [] };
    expect(isCurrent(recorded, AMAZON)).toBe(true);
    expect(isCurrent({ ...recorded, preset: 'walmart' }, AMAZON)).toBe(false);
    expect(isCurrent({ ...recorded, checks: '0000000000000000' }, AMAZON)).toBe(false);
    expect(isCurrent(undefined, AMAZON)).toBe(false);
  });

  it('reads back only what has a verdict’s shape', () => {
    const recorded = { preset: 'amazon', checks: 'abc', pass: false, failures: [] };
    expect(complianceFrom(recorded)).toEqual(recorded);
    for (const damaged of [null, 'pass', { ...recorded, pass: 'no' }, { ...recorded, failures: {} }, { pass: true }])
      expect(complianceFrom(damaged)).toBeUndefined();
  });
});

describe('the exit code of an edit with a preset', () => {
  const refused = { preset: 'amazon', checked: 3, refused: 1, unmeasured: 0, byRule: { minFill: 1 } };
  it('is 5 when every call succeeded but some outputs would be refused, after failures and stops', () => {
    expect(exitCodeOf({ failed: 0, compliance: refused })).toBe(5);
    expect(exitCodeOf({ failed: 1, compliance: refused })).toBe(1);
    expect(exitCodeOf({ failed: 0, stopped: 'interrupted', compliance: refused })).toBe(130);
    expect(exitCodeOf({ failed: 0, compliance: { ...refused, refused: 0, byRule: {} } })).toBe(0);
    expect(exitCodeOf({ failed: 0 })).toBe(0);
    // An output that could not be measured is a fault, as an unreadable image is to check.
    expect(exitCodeOf({ failed: 0, compliance: { ...refused, unmeasured: 1 } })).toBe(1);
  });
});

describe('the library', () => {
  it('offers photoroom check for one image: measureImage, then judge by a built-in preset', async () => {
    const library = await import('../../src/index.js');
    const measurement = await library.measureImage('fixtures/products/mug.jpg', { background: 'FFFFFF' });
    if (!measurement.ok) throw new Error(measurement.reason);
    const verdict = library.judge(library.builtInPreset('amazon')!, measurement);
    // mug.jpg stands on an off-white backdrop: the whole frame differs from pure white.
    expect(verdict.failures.map((failure) => failure.check)).toEqual(['background']);
  });
});
