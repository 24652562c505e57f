/**
 * The review page of a preset's verdicts: `check --report`'s rows (the image itself, no
 * input and output pair) and the filters a page offers for what its rows hold.
 */
import { describe, expect, it } from 'vitest';
import type { Measured, Verdict } from '../../src/check/judge.js';
import type { CheckEvent } from '../../src/check/run.js';
import { checkReportData, imageRowOf } from '../../src/report/checked.js';
import type { ImageRow, ReportData, RowCompliance } from '../../src/report/model.js';
import { reportHtml } from '../../src/report/page/html.js';

const PLACE = { folder: '/w/shots', cwd: '/w' };
// Never read by the rows: only the verdict is shown.
const MEASURED = {} as Measured;

function checked(input: string, verdict: Partial<Verdict>): CheckEvent {
  return {
    type: 'checked',
    input,
    path: `/w/${input}`,
    verdict: { preset: 'amazon', pass: true, failures: [], advice: [], unjudged: [], ...verdict },
    measured: MEASURED,
  };
}

const fill = { check: 'minFill', measured: 0.71, wants: 0.85, reason: 'product fills 71% of the frame' } as const;

describe('the rows of check --report', () => {
  it('are the images themselves, linked from the page, with the verdict as check counts it', () => {
    expect(imageRowOf(checked('shots/ok.jpg', {}), 'amazon', PLACE)).toEqual({
      kind: 'image',
      image: 'shots/ok.jpg',
      imageHref: 'ok.jpg',
      status: 'ok',
      compliance: { preset: 'amazon', verdict: 'pass', reasons: [] },
    });
    expect(imageRowOf(checked('shots/a #1.jpg', { pass: false, failures: [fill] }), 'amazon', PLACE)).toMatchObject({
      imageHref: 'a%20%231.jpg',
      status: 'ok',
      compliance: { verdict: 'refused', reasons: ['product fills 71% of the frame'] },
    });
  });

  it('count an image whose pixels could not be measured as not read, whatever its header: never refused on it', () => {
    const truncated = { unmeasured: 'truncated', unjudged: ['minFill' as const] };
    expect(imageRowOf(checked('shots/cut.jpg', truncated), 'amazon', PLACE)).toMatchObject({
      status: 'failed',
      compliance: { verdict: 'unjudged', reasons: ['could not be measured: truncated'] },
    });
    // Nor is one with a failure beside `unmeasured` (judge gives none) a refusal.
    expect(
      imageRowOf(checked('shots/cut.jpg', { ...truncated, pass: false, failures: [fill] }), 'amazon', PLACE),
    ).toMatchObject({
      status: 'failed',
      compliance: { verdict: 'unjudged', reasons: ['could not be measured: truncated'] },
    });
  });

  it('show an image that could not be read with the reason, and link no URL', () => {
    const unreadable = (input: string): CheckEvent => ({ type: 'unreadable', input, reason: 'not an image' });
    expect(imageRowOf(unreadable('shots/notes.jpg'), 'amazon', PLACE)).toEqual({
      kind: 'image',
      image: 'shots/notes.jpg',
      imageHref: 'notes.jpg',
      status: 'failed',
      compliance: { preset: 'amazon', verdict: 'unjudged', reasons: ['could not be read: not an image'] },
    });
    expect(imageRowOf(unreadable('https://example.com/a.jpg'), 'amazon', PLACE)).not.toHaveProperty('imageHref');
    expect(imageRowOf({ type: 'warning', message: 'x' }, 'amazon', PLACE)).toBeUndefined();
  });

  it('come refused first, then those not read, then passes, each by name', () => {
    const rows = [
      checked('b-pass.jpg', {}),
      checked('z-refused.jpg', { pass: false, failures: [fill] }),
      { type: 'unreadable', input: 'c-bad.jpg', reason: 'not an image' } as const,
      checked('a-pass.jpg', {}),
      checked('y-refused.jpg', { pass: false, failures: [fill] }),
    ].flatMap((event) => imageRowOf(event, 'amazon', PLACE) ?? []);
    const data = checkReportData('shots', 'amazon', rows);
    expect(data).toMatchObject({ title: 'shots', run: null, checkedAgainst: 'amazon' });
    expect(data.rows.map((row) => row.image)).toEqual([
      'y-refused.jpg',
      'z-refused.jpg',
      'c-bad.jpg',
      'a-pass.jpg',
      'b-pass.jpg',
    ]);
  });
});

describe('the filters of the page', () => {
  const views = (data: ReportData) => [...reportHtml(data).matchAll(/data-view="(\w+)"/g)].map((match) => match[1]);
  const result = { kind: 'result', input: 'a.jpg', output: 'a.png', status: 'ok' } as const;
  const refused: RowCompliance = { preset: 'amazon', verdict: 'refused', reasons: ['x'] };

  it('offer "would be refused" only where a preset judged the rows', () => {
    expect(views({ title: 'out', run: null, rows: [result] })).toEqual(['all', 'failed', 'uncertain', 'ignored']);
    expect(reportHtml({ title: 'out', run: null, rows: [result] })).toContain('<ol class="rows" id="rows">');
    const judged: ReportData = { title: 'out', run: null, rows: [result, { ...result, compliance: refused }] };
    expect(views(judged)).toEqual(['all', 'refused', 'failed', 'uncertain', 'ignored']);
    expect(reportHtml(judged)).toContain('>Would be refused<');
    expect(reportHtml(judged)).toContain('<ol class="rows judged"');
  });

  it('of images checked on disk leave out what only the API tells', () => {
    const image: ImageRow = { kind: 'image', image: 'a.jpg', status: 'ok', compliance: refused };
    const html = reportHtml({ title: 'shots', run: null, checkedAgainst: 'amazon', rows: [image] });
    expect([...html.matchAll(/data-view="(\w+)"/g)].map((match) => match[1])).toEqual(['all', 'refused', 'failed']);
    expect(html).toContain('>Could not be read<');
    expect(html).not.toContain('id="threshold"');
  });
});
