/** The field-name check of the contract tests: what it takes for known, and what it refuses. */
import { describe, expect, it } from 'vitest';
import { fieldsOf, isKnownField } from './fields.js';
import { contract } from './seed.js';

const CONTRACT = contract();

describe('field names the contract knows', () => {
  const cases = [
    {
      operation: ['POST', '/v2/edit'],
      known: [
        'imageFile',
        'background.color',
        'background.imageFile',
        'background.expandPrompt',
        'background.expandPrompt.mode',
        'layers.title.text.content',
        'layers.photo.image.segmentation.prompt',
      ],
      unknown: [
        'imageUrl',
        'image_file',
        'background.colour',
        'background.expandPrompt.level',
        'layers',
        'layers.title',
        'layers.title.text',
        'layers.photo.image.color',
      ],
    },
    {
      operation: ['GET', '/v2/edit'],
      known: [
        'imageUrl',
        'padding',
        'background.expandPrompt.mode',
        'layers.logo.image.imageUrl',
        'layers.logo.image.imageFromPrompt.seed',
      ],
      unknown: [
        'imageFile',
        'background.imageFile',
        'paddings',
        'layers.logo.image',
        'layers.logo.image.imageFromPrompt',
      ],
    },
    {
      operation: ['POST', '/v1/segment'],
      known: ['image_file', 'format', 'channels', 'bg_color', 'size', 'crop', 'despill'],
      unknown: ['imageFile', 'bg-color', 'background.color', 'padding'],
    },
  ] as const;

  for (const {
    operation: [method, route],
    known,
    unknown,
  } of cases) {
    it(`${method} ${route}`, () => {
      const fields = fieldsOf(CONTRACT, method, route);
      expect(known.filter((name) => !isKnownField(fields, name))).toEqual([]);
      expect(unknown.filter((name) => isKnownField(fields, name))).toEqual([]);
    });
  }
});
