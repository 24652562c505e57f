import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/params/types.js';
import {
  paramFlagBindings,
  preparseArgv,
  rawParamsFromOptions,
  rawParamsFromPassThrough,
} from '../../src/cli/param-flags.js';

function parse(argv: string[], endpoint: Endpoint = 'edit') {
  const pre = preparseArgv([endpoint, ...argv], endpoint);
  const bindings = paramFlagBindings(endpoint);
  const command = new Command(endpoint).argument('[inputs...]').exitOverride();
  for (const binding of bindings) command.addOption(binding.option);
  command.parse(pre.argv.slice(1), { from: 'user' });
  return { pre, inputs: command.args, params: rawParamsFromOptions(bindings, command.opts()) };
}

describe('flags derived from the table', () => {
  it('maps dotted flags and aliases to API names with their sources', () => {
    const { params, inputs } = parse(['shoe.jpg', '--bg', 'white', '--padding', '10%', '--shadow.mode', 'ai.soft']);
    expect(inputs).toEqual(['shoe.jpg']);
    expect(params).toEqual([
      { name: 'background.color', value: 'white', source: '--bg' },
      { name: 'padding', value: '10%', source: '--padding' },
      { name: 'shadow.mode', value: 'ai.soft', source: '--shadow.mode' },
    ]);
  });

  describe('refuses a parameter given twice, whatever the spellings', () => {
    const cases: [string[], string, Endpoint?][] = [
      [
        ['--bg', 'white', '--background.color', 'red'],
        '--bg "white" and --background.color "red" both set background.color; give it once',
      ],
      [['--padding', '0.1', '--padding', '0.2'], '--padding "0.1" and --padding "0.2" both set padding; give it once'],
      [['--padding=0.1', '--padding', '0.2'], '--padding "0.1" and --padding "0.2" both set padding; give it once'],
      [['--crop', '--crop', 'false'], '--crop "true" and --crop "false" both set crop; give it once', 'segment'],
      [
        ['--removeBackground=no', '--removeBackground'],
        '--removeBackground "no" and --removeBackground "true" both set removeBackground; give it once',
      ],
      [
        ['--layers.a.text.content', 'x', '--layers.a.text.content=y'],
        '--layers.a.text.content "x" and --layers.a.text.content "y" both set layers.a.text.content; give it once',
      ],
      [
        ['--param', 'padding=0.1', '--padding', '0.2'],
        '--param padding "0.1" and --padding "0.2" both set padding; give it once',
      ],
      [
        ['--param=padding=0.1', '--param', 'padding=0.2'],
        '--param padding "0.1" and --param padding "0.2" both set padding; give it once',
      ],
      [
        ['--background.expandPrompt', 'ai.auto', '--param', 'background.expandPrompt.mode=ai.never'],
        '--background.expandPrompt "ai.auto" and --param background.expandPrompt.mode "ai.never" both set background.expandPrompt; give it once',
      ],
    ];
    for (const [argv, problem, endpoint = 'edit'] of cases) {
      it(argv.join(' '), () => {
        expect(preparseArgv([endpoint, 'a.jpg', ...argv], endpoint).problems).toEqual([problem]);
      });
    }

    it("but not a flag name given as another flag's value, nor different parameters, nor after --", () => {
      expect(
        parse(['--background.prompt', '--padding', '--padding', '0.1', '--margin', '0.1', 'a.jpg']).pre.problems,
      ).toEqual([]);
      expect(preparseArgv(['edit', '--', '--padding', '0.1', '--padding', '0.2'], 'edit').problems).toEqual([]);
    });
  });

  it('reads a bare boolean flag as true without swallowing the next input', () => {
    const { params, inputs } = parse(['--removeBackground', 'shoe.jpg']);
    expect(inputs).toEqual(['shoe.jpg']);
    expect(params).toEqual([{ name: 'removeBackground', value: 'true', source: '--removeBackground' }]);
    expect(parse(['--removeBackground', 'false', 'a.jpg']).params[0]?.value).toBe('false');
    expect(parse(['--removeBackground=false', 'a.jpg']).params[0]?.value).toBe('false');
  });

  it("takes the next word as a boolean flag's value only when it is a boolean spelling", () => {
    for (const word of ['true', 'FALSE', 'yes', 'No', '1', '0', 'on', 'OFF']) {
      const { params, inputs } = parse(['--removeBackground', word, 'a.jpg']);
      expect(inputs).toEqual(['a.jpg']);
      expect(params).toEqual([{ name: 'removeBackground', value: word, source: '--removeBackground' }]);
    }
    for (const word of ['nope', 'photo.jpg', '-', 'y', '2']) {
      const { params, inputs } = parse(['--removeBackground', word]);
      expect(inputs).toEqual([word]);
      expect(params[0]?.value).toBe('true');
    }
    expect(parse(['--crop', 'no', 'a.jpg'], 'segment').params).toEqual([
      { name: 'crop', value: 'no', source: '--crop' },
    ]);
  });

  it('takes an empty word after a boolean flag as its (empty) value, for the empty-value check', () => {
    const { params, inputs } = parse(['--removeBackground', '', 'a.jpg']);
    expect(inputs).toEqual(['a.jpg']);
    expect(params[0]?.value).toBe('');
  });

  it('takes template layer flags out before commander sees them', () => {
    const { pre, inputs } = parse([
      'a.jpg',
      '--layers.logo.image.imageUrl',
      'https://a.test/l.png',
      '--layers.t.text.content=Sale',
    ]);
    expect(inputs).toEqual(['a.jpg']);
    expect(pre.openEndedParams).toEqual([
      { name: 'layers.logo.image.imageUrl', value: 'https://a.test/l.png', source: '--layers.logo.image.imageUrl' },
      { name: 'layers.t.text.content', value: 'Sale', source: '--layers.t.text.content' },
    ]);
    expect(preparseArgv(['edit', '--layers.x.text.content'], 'edit').problems).toEqual([
      '--layers.x.text.content: missing value',
    ]);
  });

  it('leaves everything after -- alone', () => {
    expect(preparseArgv(['edit', '--', '--layers.a.text.content', 'x'], 'edit').argv).toEqual([
      'edit',
      '--',
      '--layers.a.text.content',
      'x',
    ]);
  });

  it('reads --param NAME=VALUE pairs, keeping = inside values and refusing an empty value', () => {
    expect(rawParamsFromPassThrough(['future.flag=a=b', 'broken', 'future.empty='])).toEqual({
      params: [
        { name: 'future.flag', value: 'a=b', source: '--param future.flag', passThrough: true, sendUnknownValue: true },
      ],
      problems: ['--param broken: expected NAME=VALUE', '--param future.empty=: expected NAME=VALUE'],
    });
  });
});
