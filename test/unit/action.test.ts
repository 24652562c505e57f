/**
 * The GitHub Action's parts that need no run: splitting its inputs into words, the job
 * summary's Markdown (escaping, an empty batch, a stopped run, check's records), and the
 * step outputs' heredoc form. The action run whole: test/e2e/action.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { markdownText } from '../../src/action/markdown.js';
import { MAX_LISTED, OutcomeTally, type ActionCommand } from '../../src/action/outcome.js';
import { recordLines } from '../../src/action/log.js';
import { outputsFileText } from '../../src/action/outputs.js';
import { summaryMarkdown } from '../../src/action/summary.js';
import { splitWords } from '../../src/action/words.js';
import { UserError } from '../../src/errors.js';
import { noneIgnored } from '../../src/inputs/discover.js';
import { parseOutputFile } from '../support/github-runner.js';
import { markdownTables } from '../support/markdown-tables.js';

const IGNORED = noneIgnored();

function batchSummary(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'summary',
    ok: 0,
    skipped: 0,
    failed: 0,
    notProcessed: 0,
    ignored: IGNORED,
    failures: [],
    unsupportedAttributes: [],
    requests: 0,
    maybeBilled: { requests: 0, inputs: 0 },
    rateLimited: 0,
    ms: 5,
    ...fields,
  };
}

function outcomeOf(command: ActionCommand, records: object[]) {
  const tally = new OutcomeTally(command);
  for (const record of records) tally.addLine(JSON.stringify(record));
  return tally.result();
}

describe("the action's inputs as words", () => {
  it('splits on spaces and line breaks, keeps quoted spaces, expands nothing', () => {
    const text = `a.jpg  "my shots/b c.jpg"\n'$HOME/*.png' \`id\` x\\ y.jpg "q\\"uote" ''\n`;
    expect(splitWords(text, 'inputs')).toEqual([
      'a.jpg',
      'my shots/b c.jpg',
      '$HOME/*.png',
      '`id`',
      'x y.jpg',
      'q"uote',
      '',
    ]);
    expect(splitWords(' \n ', 'inputs')).toEqual([]);
  });

  it('refuses a quote never closed, naming the input', () => {
    expect(() => splitWords('--bg "white', 'args')).toThrow(
      new UserError(`the action's args input has a " that is never closed`),
    );
  });
});

describe('Markdown from outside text', () => {
  it('shows a name exactly: no table break, tag, code, emphasis, link, math or line break', () => {
    const name = 'a|b <img src=x> `c` *d* _e_ [f](g) ~h~ $i$ &lt; \\ #1 !\nj.jpg';
    const markdown = markdownText(name);
    expect(markdown).not.toContain('\n');
    const [table] = markdownTables(['| input |', '| --- |', `| ${markdown} |`].join('\n'));
    // One cell, rendered as the name itself (the line break as the CLI prints it: an escape, visible),
    // with no emphasis, code, link, strikethrough, math or HTML made of its characters.
    expect(table!.rows).toEqual([[name.replace('\n', '\\n')]]);
    expect(table!.markup).toEqual([[[]]]);
  });
});

describe('the job summary', () => {
  it('of an empty batch: the counts at zero, nothing listed', () => {
    const markdown = summaryMarkdown({ outcome: outcomeOf('edit', [batchSummary()]), exitCode: 0, messages: [] });
    expect(markdown).toBe(
      [
        '## photoroom edit: 0 ok, 0 skipped, 0 failed',
        '',
        '| ok | skipped (done before) | failed | not processed | credits used |',
        '| ---: | ---: | ---: | ---: | ---: |',
        '| 0 | 0 | 0 | 0 | 0 |',
        '',
        '**Exit code 0**: success.',
        '',
      ].join('\n'),
    );
  });

  it('of a stopped run: the stop, what was left, what to do; credits count maybe-billed answers', () => {
    const records = [
      { type: 'stop', reason: 'credits', message: 'no credits left on this account (402)' },
      batchSummary({
        ok: 3,
        failed: 1,
        notProcessed: 6,
        failures: [{ input: 'x.jpg', error: 'HTTP 402: no credits left on this account' }],
        maybeBilled: { requests: 2, inputs: 1 },
        stopped: 'credits',
      }),
    ];
    const markdown = summaryMarkdown({ outcome: outcomeOf('segment', records), exitCode: 3, messages: [] });
    expect(markdown).toContain(
      '**Stopped**: no credits left on this account (402); 6 inputs not processed: top up and rerun.',
    );
    expect(markdown).toContain('**Exit code 3**: the API refused the run');
    expect(markdownTables(markdown)[0]!.rows).toEqual([['3', '0', '1', '6', '5']]);
    expect(markdownTables(markdown)[1]!.rows).toEqual([['x.jpg', 'HTTP 402: no credits left on this account']]);
  });

  it('of a run 429s without Retry-After limited: the rate it settled at, and the --rate for next time', () => {
    const limited = batchSummary({ ok: 9, settledRate: { perMinute: 200, suggestedRate: 600 } });
    const markdown = summaryMarkdown({ outcome: outcomeOf('edit', [limited]), exitCode: 0, messages: [] });
    expect(markdown).toContain(
      '**Rate-limited**: the service answered 429 without Retry-After; the run settled at ~200/min (~600/min for all its shards). Next time, `--rate 600` in `args` avoids the probing.',
    );
    const alone = batchSummary({ ok: 9, settledRate: { perMinute: 200, suggestedRate: 200 } });
    expect(summaryMarkdown({ outcome: outcomeOf('edit', [alone]), exitCode: 0, messages: [] })).toContain(
      'the run settled at ~200/min. Next time, `--rate 200` in `args`',
    );
    const unlimited = summaryMarkdown({ outcome: outcomeOf('edit', [batchSummary()]), exitCode: 0, messages: [] });
    expect(unlimited).not.toContain('Rate-limited');
  });

  it('lists the first failures and says how many more', () => {
    const failures = Array.from({ length: MAX_LISTED + 3 }, (_, index) => ({
      input: `${index}.jpg`,
      error: 'HTTP 400',
    }));
    const outcome = outcomeOf('edit', [batchSummary({ failed: failures.length, failures })]);
    const markdown = summaryMarkdown({ outcome, exitCode: 1, messages: [] });
    expect(markdownTables(markdown)[1]!.rows).toHaveLength(MAX_LISTED);
    expect(markdown).toContain('and 3 more: the `events` output names a file with every one.');
  });

  it("of check: its own records, the rules in a built-in preset's words", () => {
    const records = [
      { type: 'result', input: 'a.jpg', preset: 'amazon', status: 'pass', failures: [], advice: [], measured: {} },
      {
        type: 'result',
        input: 'b|c.jpg',
        preset: 'amazon',
        status: 'refused',
        failures: [
          {
            check: 'minFill',
            measured: 0.7,
            wants: 0.85,
            reason: 'product fills 70% of the frame; amazon wants 85% or more',
          },
        ],
        advice: [],
        measured: {},
      },
      { type: 'result', input: 'd.jpg', preset: 'amazon', status: 'unreadable', error: 'not an image' },
      {
        type: 'summary',
        preset: 'amazon',
        total: 3,
        passed: 1,
        refused: 1,
        unreadable: 1,
        notChecked: 0,
        ignored: IGNORED,
        byRule: { minFill: 1 },
        advised: 0,
        adviceByRule: {},
        unjudged: ['noText'],
        durationMs: 9,
        interrupted: false,
        exitCode: 1,
      },
    ];
    const markdown = summaryMarkdown({ outcome: outcomeOf('check', records), exitCode: 1, messages: [] });
    expect(markdown).toMatch(/^## photoroom check against amazon: 1 pass, 1 would be refused, 1 could not be read$/m);
    const [counts, unreadable, rules, refused] = markdownTables(markdown);
    expect(counts!.rows).toEqual([['1', '1', '1', '0']]);
    expect(unreadable!.rows).toEqual([['d.jpg', 'not an image']]);
    expect(rules!.rows).toEqual([['product fills 85% of the frame or more', '1']]);
    expect(refused!.rows).toEqual([['b|c.jpg', 'product fills 70% of the frame; amazon wants 85% or more']]);
  });

  it("of a run that never reached its batch: the exit code and photoroom's own words", () => {
    const outcome = outcomeOf('edit', []);
    const markdown = summaryMarkdown({ outcome, exitCode: 2, messages: ['photoroom: no such file: <a>.jpg'] });
    expect(markdown).toBe(
      [
        '## photoroom edit did not finish its batch',
        '',
        '**Exit code 2**: usage or start-up error: nothing was sent.',
        '',
        'photoroom said:',
        '',
        '> photoroom: no such file: &lt;a&gt;.jpg<br>',
        '',
      ].join('\n'),
    );
  });
});

describe("the job's log", () => {
  it('tells each change of the rate an unannounced limit set, as the plain lines do', () => {
    const rate = JSON.stringify({ type: 'rate', perMinute: 420, cause: 'limited' });
    expect(recordLines('edit', rate)).toEqual([
      'rate    limited by the service (429 without Retry-After): holding ~420/min',
    ]);
  });
});

describe('the step outputs file', () => {
  it('writes each value between fresh delimiters, drawing again when a value holds one', () => {
    const drawn = ['EOF', 'EOF', 'D2', 'D3'];
    const text = outputsFileText({ failed: 'x\nEOF\nok=1', ok: '2' }, () => drawn.shift()!);
    expect(text).toBe('failed<<D2\nx\nEOF\nok=1\nD2\nok<<D3\n2\nD3\n');
    expect(parseOutputFile(text)).toEqual({ failed: 'x\nEOF\nok=1', ok: '2' });
  });
});
