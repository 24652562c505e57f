import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { collectReport } from '../../src/report/collect.js';
import { fileHref, webHref } from '../../src/report/links.js';
import { byReviewOrder, reviewRank, runFacts, type ResultRow, type RowCompliance } from '../../src/report/model.js';
import { readRunLogHistory, type RunLogLine } from '../../src/store/runlog-history.js';
import { SIDECAR_SUFFIX, sidecarRecord, type SidecarInput } from '../../src/store/sidecar.js';

function line(input: string, status: RunLogLine['status'], overrides: Partial<RunLogLine> = {}): RunLogLine {
  return {
    time: '2025-01-01T10:00:05.000Z',
    run: '2025-01-01T10:00:00.000Z',
    input,
    output: `out/${input}`,
    status,
    attempts: status === 'skipped' ? 0 : 1,
    ms: 100,
    ...overrides,
  };
}

const jsonl = (lines: readonly object[]) => lines.map((entry) => `${JSON.stringify(entry)}\n`).join('');

/** A sidecar as the engine writes it, next to an output that need not exist. */
async function writeSidecarFor(
  output: string,
  input: SidecarInput,
  headers: Record<string, string>,
  compliance?: unknown,
): Promise<void> {
  const sidecar = sidecarRecord({
    input,
    request: { endpoint: '/v2/edit', method: 'POST', fields: [['background.color', 'white']] },
    status: 200,
    headers,
    attempts: 1,
    durationsMs: { total: 100, lastAttempt: 100 },
    output: { path: output, bytes: 10, sha256: 'ab' },
    cliVersion: '0.1.0',
    completedAt: new Date('2025-01-01T10:00:01Z'),
    compliance,
  });
  await mkdir(path.dirname(output), { recursive: true });
  await writeFile(`${output}${SIDECAR_SUFFIX}`, JSON.stringify(sidecar));
}

const fileInput = (file: string): SidecarInput => ({ path: file, size: 3, mtimeMs: 1, sha256: 'cd' });

describe('the run log, read back', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'photoroom-runlog-'));
  });

  it("keeps each input's last line and the lines of the latest run", async () => {
    const earlier = { run: '2025-01-01T09:00:00.000Z' };
    await writeFile(
      path.join(folder, 'photoroom-run.jsonl'),
      jsonl([
        line('a.jpg', 'failed', earlier),
        line('b.jpg', 'ok', earlier),
        line('a.jpg', 'ok'),
        line('b.jpg', 'skipped'),
      ]),
    );
    const history = await readRunLogHistory(folder);
    expect([...history.lastByInput.values()].map((entry) => [entry.input, entry.status])).toEqual([
      ['a.jpg', 'ok'],
      ['b.jpg', 'skipped'],
    ]);
    expect(history.latestRun.map((entry) => entry.input)).toEqual(['a.jpg', 'b.jpg']);
  });

  it('passes over lines that are torn, not JSON or not result lines', async () => {
    await writeFile(
      path.join(folder, 'photoroom-run.jsonl'),
      `${jsonl([line('a.jpg', 'ok')])}not json\n{"input":"b.jpg"}\n\n{"time":"x","input":"c`,
    );
    const history = await readRunLogHistory(folder);
    expect([...history.lastByInput.keys()]).toEqual(['a.jpg']);
  });

  it('is empty when there is no run log', async () => {
    expect(await readRunLogHistory(folder)).toEqual({ lastByInput: new Map(), latestRun: [] });
  });
});

describe('the facts of the latest run', () => {
  it('counts each status, the requests sent and the credits used', () => {
    const lines = [
      line('a.jpg', 'ok', { attempts: 3 }),
      line('b.jpg', 'failed', { attempts: 5, time: '2025-01-01T10:01:00.000Z' }),
      line('c.jpg', 'skipped'),
    ];
    expect(runFacts(lines)).toEqual({
      startedAt: '2025-01-01T10:00:00.000Z',
      endedAt: '2025-01-01T10:01:00.000Z',
      ok: 1,
      failed: 1,
      skipped: 1,
      notProcessed: 0,
      requests: 8,
      credits: 1,
    });
  });

  it('counts as credits used what may have been billed: ok results and 2xx answers that gave none', () => {
    const lines = [
      line('a.jpg', 'ok', { attempts: 2, maybeBilled: 1 }),
      line('b.jpg', 'failed', { attempts: 2, maybeBilled: 2 }),
      line('c.jpg', 'not-processed', { attempts: 4, httpStatus: 500 }),
    ];
    expect(runFacts(lines)).toMatchObject({ ok: 1, failed: 1, notProcessed: 1, requests: 8, credits: 4 });
  });

  it('starts at the first line when the log has no run mark, and is null with no lines', () => {
    expect(runFacts([line('a.jpg', 'ok', { run: undefined, time: '2025-01-01T10:00:03.000Z' })])?.startedAt).toBe(
      '2025-01-01T10:00:03.000Z',
    );
    expect(runFacts([])).toBeNull();
  });
});

describe('the review order', () => {
  const row = (output: string, overrides: Partial<ResultRow> = {}): ResultRow => ({
    kind: 'result',
    input: output,
    output,
    status: 'ok',
    ...overrides,
  });

  it('puts failures first, then people, then the least certain, then rows without a score', () => {
    const rows = [
      row('none.png'),
      row('sure.png', { uncertainty: 0.05 }),
      row('people.png', { uncertainty: -1 }),
      row('failed.png', { status: 'failed', uncertainty: 0.9 }),
      row('unsure.png', { uncertainty: 0.7 }),
      row('over.png', { uncertainty: 3 }),
    ];
    expect(rows.sort(byReviewOrder).map((entry) => entry.output)).toEqual([
      'failed.png',
      'people.png',
      'over.png',
      'unsure.png',
      'sure.png',
      'none.png',
    ]);
    expect(reviewRank(row('x', { uncertainty: 3 }))).toBe(1);
  });

  it('puts what a preset would refuse before everything else, then keeps the order within each part', () => {
    const refused: RowCompliance = { preset: 'amazon', verdict: 'refused', reasons: ['too small'] };
    const passes: RowCompliance = { preset: 'amazon', verdict: 'pass', reasons: [] };
    const rows = [
      row('people.png', { uncertainty: -1, compliance: passes }),
      row('failed.png', { status: 'failed' }),
      row('refused-sure.png', { uncertainty: 0.1, compliance: refused }),
      row('unsure.png', { uncertainty: 0.7, compliance: passes }),
      row('refused-unsure.png', { uncertainty: 0.8, compliance: refused }),
      row('refused-b.png', { compliance: refused }),
      row('refused-a.png', { compliance: refused }),
    ];
    expect(rows.sort(byReviewOrder).map((entry) => entry.output)).toEqual([
      'refused-unsure.png',
      'refused-sure.png',
      'refused-a.png',
      'refused-b.png',
      'failed.png',
      'people.png',
      'unsure.png',
    ]);
  });

  it('orders rows of equal rank by output name', () => {
    const rows = [row('b.png', { uncertainty: 0.5 }), row('a.png', { uncertainty: 0.5 })];
    expect(rows.sort(byReviewOrder).map((entry) => entry.output)).toEqual(['a.png', 'b.png']);
  });
});

describe('links', () => {
  it('are relative and percent-encode each segment', () => {
    expect(fileHref('/w/out', '/w/products/a #1?%.jpg')).toBe('../products/a%20%231%3F%25.jpg');
    expect(fileHref('/w/out', '/w/out/sub/b.png')).toBe('sub/b.png');
  });

  it('to the web are http(s) only', () => {
    expect(webHref('https://app.photoroom.com/x?a=1')).toBe('https://app.photoroom.com/x?a=1');
    expect(webHref('javascript:alert(1)')).toBeUndefined();
    expect(webHref(' JavaScript:alert(1)')).toBeUndefined();
    expect(webHref('data:text/html,x')).toBeUndefined();
    expect(webHref('http://')).toBeUndefined();
  });
});

describe('collecting a report', () => {
  let root: string;
  let out: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'photoroom-collect-'));
    out = path.join(root, 'out');
    await mkdir(path.join(root, 'products'), { recursive: true });
    await writeFile(path.join(root, 'products/mug.jpg'), 'jpg');
  });

  it('makes one row per sidecar with its facts, and one per failed input that left no output', async () => {
    await writeSidecarFor(path.join(out, 'mug.png'), fileInput('products/mug.jpg'), {
      'x-uncertainty-score': '0.42',
      'pr-unsupported-attributes': 'Unsupported attributes: unknown.thing',
      'pr-texts-detected': '2',
      'pr-ai-background-seed': '12345',
      'pr-edit-further-url': 'https://app.example/edit/1',
      'content-type': 'image/png',
    });
    await writeSidecarFor(path.join(out, 'shoes/gone.png'), fileInput('products/shoes/gone.jpg'), {
      'pr-unsupported-attributes': 'null',
      'pr-edit-further-url': 'javascript:alert(1)',
    });
    await writeSidecarFor(
      path.join(out, 'web.png'),
      { url: 'https://example.com/web.jpg' },
      { 'x-uncertainty-score': '-1' },
    );
    await writeFile(path.join(out, 'notes.json'), '{"not":"a sidecar"}');
    await writeFile(
      path.join(out, 'photoroom-run.jsonl'),
      jsonl([
        line('products/mug.jpg', 'ok'),
        line('products/bad.jpg', 'failed', { output: 'out/bad.png', error: 'not an image: unrecognised bytes' }),
      ]),
    );

    const report = await collectReport({ folder: 'out', cwd: root });
    expect(report.title).toBe('out');
    const sent = { parameters: ['background.color=white'], bytes: 10, ms: 100, attempts: 1 };
    expect(report.rows).toEqual([
      {
        kind: 'result',
        input: 'products/bad.jpg',
        status: 'failed',
        error: 'not an image: unrecognised bytes',
      },
      {
        kind: 'result',
        input: 'https://example.com/web.jpg',
        inputUrl: 'https://example.com/web.jpg',
        output: 'web.png',
        outputHref: 'web.png',
        status: 'ok',
        uncertainty: -1,
        ...sent,
      },
      {
        kind: 'result',
        input: 'products/mug.jpg',
        inputHref: '../products/mug.jpg',
        output: 'mug.png',
        outputHref: 'mug.png',
        status: 'ok',
        uncertainty: 0.42,
        ignoredParameters: 'Unsupported attributes: unknown.thing',
        textsDetected: '2',
        seed: '12345',
        editFurtherUrl: 'https://app.example/edit/1',
        ...sent,
      },
      {
        kind: 'result',
        input: 'products/shoes/gone.jpg',
        output: 'shoes/gone.png',
        outputHref: 'shoes/gone.png',
        status: 'ok',
        ...sent,
      },
    ]);
    expect(report.run).toMatchObject({ ok: 1, failed: 1, skipped: 0, requests: 2, credits: 1 });
  });

  it('shows the inputs a stopped run left unfinished, and keeps an output an earlier run made', async () => {
    await writeSidecarFor(path.join(out, 'mug.png'), fileInput('products/mug.jpg'), {});
    const stopped = { httpStatus: 500, error: 'HTTP 500: the API failed (internal error)' };
    await writeFile(
      path.join(out, 'photoroom-run.jsonl'),
      jsonl([
        line('products/mug.jpg', 'not-processed', stopped),
        line('products/cup.jpg', 'not-processed', { output: 'out/cup.png', attempts: 3, ...stopped }),
      ]),
    );
    const report = await collectReport({ folder: 'out', cwd: root });
    expect(report.rows.map((row) => [row.input, row.status, row.error])).toEqual([
      [
        'products/cup.jpg',
        'failed',
        'not processed: the run stopped (last: HTTP 500: the API failed (internal error))',
      ],
      ['products/mug.jpg', 'ok', undefined],
    ]);
    expect(report.run).toMatchObject({ ok: 0, failed: 0, notProcessed: 2, requests: 4, credits: 0 });
  });

  it('marks an output failed when its input failed since, with the reason', async () => {
    await writeSidecarFor(path.join(out, 'mug.png'), fileInput('products/mug.jpg'), {});
    await writeFile(
      path.join(out, 'photoroom-run.jsonl'),
      jsonl([
        line('products/mug.jpg', 'ok'),
        line('products/mug.jpg', 'failed', { run: 'later', error: 'HTTP 400: bad' }),
      ]),
    );
    const [row] = (await collectReport({ folder: out, cwd: root })).rows;
    expect(row).toMatchObject({ output: 'mug.png', outputHref: 'mug.png', status: 'failed', error: 'HTTP 400: bad' });
  });

  it('reads sidecars and the run log from a state folder laid out like the outputs', async () => {
    const state = path.join(root, 'state');
    await writeSidecarFor(path.join(state, 'sub/mug.png'), fileInput('products/mug.jpg'), {
      'x-uncertainty-score': '0.3',
    });
    await writeFile(path.join(state, 'photoroom-run.jsonl'), jsonl([line('products/mug.jpg', 'ok')]));
    await mkdir(out);
    const report = await collectReport({ folder: 'out', stateFolder: 'state', cwd: root });
    expect(report.rows).toEqual([
      expect.objectContaining({ output: 'sub/mug.png', outputHref: 'sub/mug.png', uncertainty: 0.3 }),
    ]);
    expect(report.run?.ok).toBe(1);
  });

  it('reads what an edited sidecar still holds, and leaves out the rest', async () => {
    await writeSidecarFor(path.join(out, 'mug.png'), fileInput('products/mug.jpg'), { 'x-uncertainty-score': '0.3' });
    const file = `${path.join(out, 'mug.png')}${SIDECAR_SUFFIX}`;
    const sidecar = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    const edited = {
      ...sidecar,
      request: { fields: [['background.imageFile', { file: 'bg.png', sha256: 'ef' }], 'torn', [3, 'x']] },
      attempts: 'one',
      durationsMs: null,
      response: { headers: { 'x-uncertainty-score': 7 } },
    };
    await writeFile(file, JSON.stringify(edited));
    const [row] = (await collectReport({ folder: out, cwd: root })).rows;
    expect(row).toEqual({
      kind: 'result',
      input: 'products/mug.jpg',
      inputHref: '../products/mug.jpg',
      output: 'mug.png',
      outputHref: 'mug.png',
      status: 'ok',
      parameters: ['background.imageFile=@bg.png'],
      bytes: 10,
    });
  });

  it("shows the preset's verdict each sidecar recorded: its failed rules' reasons, and why it could not be measured", async () => {
    const verdict = (pass: boolean, failures: unknown[], error?: string) => ({
      preset: 'tight',
      checks: '0123456789abcdef',
      pass,
      failures,
      ...(error !== undefined && { error }),
    });
    const failure = (check: string, reason: string) => ({ check, measured: 1, wants: 2, reason });
    await writeSidecarFor(path.join(out, 'pass.png'), fileInput('products/pass.jpg'), {}, verdict(true, []));
    await writeSidecarFor(
      path.join(out, 'refused.png'),
      fileInput('products/refused.jpg'),
      {},
      verdict(false, [failure('maxBytes', '95 kB: tight wants 80 kB or less'), failure('minFill', '<b>71%</b>')]),
    );
    await writeSidecarFor(
      path.join(out, 'unmeasured.png'),
      fileInput('products/unmeasured.jpg'),
      {},
      verdict(false, [], 'truncated'),
    );
    await writeSidecarFor(path.join(out, 'plain.png'), fileInput('products/plain.jpg'), {});
    await writeSidecarFor(path.join(out, 'edited.png'), fileInput('products/edited.jpg'), {}, { preset: 7 });
    const report = await collectReport({ folder: 'out', cwd: root });
    expect(report.rows.map((row) => [row.output, row.compliance])).toEqual([
      [
        'refused.png',
        { preset: 'tight', verdict: 'refused', reasons: ['95 kB: tight wants 80 kB or less', '<b>71%</b>'] },
      ],
      ['edited.png', undefined],
      ['pass.png', { preset: 'tight', verdict: 'pass', reasons: [] }],
      ['plain.png', undefined],
      // Not measured, no rule failed: not judged (as check counts it), not refused.
      ['unmeasured.png', { preset: 'tight', verdict: 'unjudged', reasons: ['could not be measured: truncated'] }],
    ]);
  });

  it('refuses a folder that does not exist', async () => {
    await expect(collectReport({ folder: 'nowhere', cwd: root })).rejects.toThrow(UserError);
  });
});
