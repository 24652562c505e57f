import fc from 'fast-check';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeFields } from '../../src/params/encode.js';
import { paramFlagBindings } from '../../src/cli/param-flags.js';
import { buildParamSet } from '../../src/params/paramset.js';
import { flagOf, isKeyed, KEY, PARAMS, paramsFor } from '../../src/params/table.js';
import { invalidText, validText } from '../support/samples.js';

const POST = { method: 'POST', hasInputImage: true } as const;

describe('the parameter table', () => {
  // The drift test (test/contract/drift.test.ts) checks each row against the contract; here the
  // count: the 87 GET /v2/edit parameters, the 3 files of the POST form (imageFile,
  // background.imageFile, editWithAI.additionalImages.{key}.imageFile), the virtual model's
  // model and scene as 3 fields each instead of 1, and the 7 of /v1/segment.
  it('covers the 101 parameters of the 2026-06-22 contract, each once', () => {
    const names = PARAMS.map((spec) => spec.name);
    expect(names).toHaveLength(87 + 3 + 2 * 2 + 7);
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives every endpoint distinct flags and aliases', () => {
    for (const endpoint of ['edit', 'segment'] as const) {
      const flags = paramFlagBindings(endpoint).map((binding) => binding.flag);
      expect(new Set(flags).size).toBe(flags.length);
    }
  });

  it('keeps enum defaults inside their enums', () => {
    for (const spec of PARAMS.filter((s) => s.enum && s.default !== undefined)) {
      expect(spec.enum).toContain(String(spec.default));
    }
  });

  it('spells every flag as the API names the parameter, except the v1 snake_case one', () => {
    for (const spec of PARAMS) {
      const flag = flagOf(spec);
      if (flag === null || spec.kind === 'layers') continue;
      const spelled = isKeyed(spec) ? spec.name.replace(KEY, '<key>') : spec.name;
      expect(flag === spelled || (spec.name === 'bg_color' && flag === 'bg-color')).toBe(true);
    }
  });

  for (const endpoint of ['edit', 'segment'] as const) {
    for (const spec of paramsFor(endpoint).filter((s) => flagOf(s) !== null && s.kind !== 'layers')) {
      it(`${endpoint} ${spec.name}: accepts and encodes valid values, refuses invalid ones`, () => {
        fc.assert(
          fc.property(validText(spec), (text) => {
            const built = buildParamSet(endpoint, [{ name: spec.name, value: text, source: `--${spec.name}` }], POST);
            const ownProblems = built.problems.filter((problem) => problem.startsWith(`--${spec.name}:`));
            expect(ownProblems).toEqual([]);
            const fields = encodeFields(built.params, '/work');
            // A list is one field per value.
            expect(fields).toHaveLength(spec.kind === 'urlList' ? text.split(',').length : 1);
            const [fieldName, fieldValue] = fields[0]!;
            expect(fieldName === spec.name || fieldName === spec.objectField?.name).toBe(true);
            if (spec.kind === 'file') expect(fieldValue).toEqual({ file: path.resolve('/work', text) });
            else expect(typeof fieldValue).toBe('string');
          }),
          { numRuns: 40 },
        );
        const invalid = invalidText(spec);
        if (!invalid) return;
        fc.assert(
          fc.property(invalid, (text) => {
            const built = buildParamSet(endpoint, [{ name: spec.name, value: text, source: `--${spec.name}` }], POST);
            expect(built.problems.some((problem) => problem.startsWith(`--${spec.name}: invalid value`))).toBe(true);
            expect(built.params.has(spec.name)).toBe(false);
          }),
          { numRuns: 25 },
        );
      });
    }
  }
});
