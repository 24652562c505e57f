import { describe, expect, it } from 'vitest';
import { noneIgnored } from '../../src/inputs/discover.js';
import type { ResultEvent } from '../../src/batch/events.js';
import { stopEvent } from '../../src/batch/stops.js';
import { Tallies } from '../../src/batch/tallies.js';

const result = (input: string, status: ResultEvent['status'], more: Partial<ResultEvent> = {}): ResultEvent => ({
  type: 'result',
  input,
  output: `out/${input}`,
  status,
  attempts: 1,
  ms: 0,
  ...more,
});

function surveyed(pending: number, done: string[] = []): Tallies {
  const tallies = new Tallies();
  tallies.surveyed({ pending, done: new Set(done), ignored: { ...noneIgnored(), hidden: 2 } });
  return tallies;
}

describe('the tallies of a run', () => {
  it('counts results by status, and what was neither done nor failed as not processed', () => {
    const tallies = surveyed(4, ['out/d.png']);
    tallies.result(result('a.png', 'ok'));
    tallies.result(result('b.png', 'failed', { error: 'HTTP 400: bad' }));
    tallies.result(result('c.png', 'not-processed'));
    tallies.result(result('d.png', 'skipped'));
    expect(tallies.summary(null, 5)).toEqual({
      type: 'summary',
      ok: 1,
      skipped: 1,
      failed: 1,
      notProcessed: 2,
      ignored: { ...noneIgnored(), hidden: 2 },
      failures: [{ input: 'b.png', error: 'HTTP 400: bad' }],
      unsupportedAttributes: [],
      requests: 0,
      maybeBilled: { requests: 0, inputs: 0 },
      rateLimited: 0,
      ms: 5,
    });
  });

  it("counts an input's latest result: one that failed and then succeeded is ok only, one that failed twice one failure", () => {
    const tallies = surveyed(0);
    for (let sent = 0; sent < 4; sent++) tallies.added();
    tallies.result(result('a.png', 'failed', { error: 'HTTP 400: cut short' }));
    tallies.result(result('a.png', 'ok'));
    tallies.result(result('b.png', 'failed', { error: 'HTTP 400: first' }));
    tallies.result(result('b.png', 'failed', { error: 'HTTP 400: second' }));
    expect(tallies.summary(null, 0)).toMatchObject({
      ok: 1,
      failed: 1,
      notProcessed: 0,
      failures: [{ input: 'b.png', error: 'HTTP 400: second' }],
    });
  });

  it('adds up the requests that may have been billed, by request and by input, whatever became of the input', () => {
    const tallies = surveyed(3);
    tallies.result(result('a.png', 'ok', { maybeBilled: 1 }));
    tallies.result(result('b.png', 'failed', { error: 'cut short', maybeBilled: 2 }));
    tallies.result(result('c.png', 'not-processed', { maybeBilled: 1 }));
    expect(tallies.summary(null, 0).maybeBilled).toEqual({ requests: 4, inputs: 3 });
  });

  it('counts each meaningful pr-unsupported-attributes value once per input, and ignores empty ones', () => {
    const tallies = surveyed(4);
    const met: [string, string][] = [
      ['a', 'shadow.mode'],
      ['b', 'shadow.mode'],
      ['c', '[]'],
      ['d', 'lighting.mode'],
    ];
    for (const [input, value] of met)
      tallies.result(result(`${input}.png`, 'ok', { headers: { 'pr-unsupported-attributes': value } }));
    expect(tallies.summary(null, 0).unsupportedAttributes).toEqual([
      { value: 'shadow.mode', count: 2 },
      { value: 'lighting.mode', count: 1 },
    ]);
  });

  it('counts requests, 429s, inputs a watch adds and inputs a dry run plans, and names the stop', () => {
    const tallies = surveyed(2);
    tallies.sent();
    tallies.sent();
    tallies.limited();
    tallies.added();
    tallies.planned();
    const summary = tallies.summary(stopEvent('credits', 'no credits left'), 0);
    expect(summary).toMatchObject({
      requests: 2,
      rateLimited: 1,
      notProcessed: 2,
      stopped: 'credits',
      stopMessage: 'no credits left',
    });
  });
});
