import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BatchEvent, PlanEvent, ResultEvent, StartEvent, SummaryEvent } from '../../src/batch/events.js';
import { formatDuration } from '../../src/cli/reporters/format.js';
import { createReporter, reporterKind, shouldColor, type ReporterOptions } from '../../src/cli/reporters/index.js';
import { barLine, batchTallies } from '../../src/cli/reporters/progress.js';
import { createStyle } from '../../src/cli/reporters/style.js';
import { MAX_LISTED_FAILURES, summaryLines } from '../../src/cli/reporters/summary.js';
import { noneIgnored as nothingIgnored } from '../../src/inputs/discover.js';

/** A stream that keeps what is written, each write() as one chunk; a fake terminal with `tty`. */
class Capture extends Writable {
  readonly chunks: string[] = [];
  isTTY?: boolean;
  columns?: number;

  constructor(tty?: { columns: number }) {
    super();
    if (tty) {
      this.isTTY = true;
      this.columns = tty.columns;
    }
  }

  get text(): string {
    return this.chunks.join('');
  }

  get lines(): string[] {
    return this.text.split('\n').filter((line) => line !== '');
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.chunks.push(chunk.toString());
    done();
  }
}

const ESC = '\x1b';
const noneIgnored = nothingIgnored();

function start(overrides: Partial<StartEvent> = {}): StartEvent {
  return { type: 'start', total: 3, skipped: 0, ignored: noneIgnored, dryRun: false, ...overrides };
}

function ok(input: string, overrides: Partial<ResultEvent> = {}): ResultEvent {
  return {
    type: 'result',
    input,
    output: `out/${input.replace(/\.jpg$/, '.png')}`,
    status: 'ok',
    attempts: 1,
    ms: 1234,
    httpStatus: 200,
    ...overrides,
  };
}

function failed(input: string, error = 'HTTP 400: the image could not be read', attempts = 3): ResultEvent {
  return {
    type: 'result',
    input,
    output: `out/${input}`,
    status: 'failed',
    error,
    attempts,
    ms: 2100,
    httpStatus: 400,
  };
}

function skipped(input: string): ResultEvent {
  return { type: 'result', input, output: `out/${input}`, status: 'skipped', attempts: 0, ms: 0 };
}

function summary(overrides: Partial<SummaryEvent> = {}): SummaryEvent {
  return {
    type: 'summary',
    ok: 1,
    skipped: 0,
    failed: 0,
    notProcessed: 0,
    ignored: noneIgnored,
    failures: [],
    unsupportedAttributes: [],
    requests: 1,
    maybeBilled: { requests: 0, inputs: 0 },
    rateLimited: 0,
    ms: 1500,
    ...overrides,
  };
}

const plan: PlanEvent = {
  type: 'plan',
  input: 'a.jpg',
  output: 'out/a.png',
  method: 'POST',
  url: 'https://image-api.photoroom.com/v2/edit',
  fields: [['background.color', 'white']],
  curl: 'curl -X POST https://image-api.photoroom.com/v2/edit -H "x-api-key: $PHOTOROOM_API_KEY" -F imageFile=@a.jpg',
};

/** One typical run: start, each kind of result, a retry, a warning, the summary. */
const run: BatchEvent[] = [
  start({ total: 2, skipped: 1 }),
  skipped('done.jpg'),
  { type: 'retry', input: 'b.jpg', attempt: 1, delayMs: 800, error: 'HTTP 503: service unavailable' },
  ok('a.jpg', { headers: { 'pr-ai-background-seed': '42', 'x-uncertainty-score': '0.1' } }),
  { type: 'warning', message: 'c.jpg would also write out/c.png; writing out/c-1.png instead', input: 'c.jpg' },
  failed('b.jpg'),
  summary({
    ok: 1,
    skipped: 1,
    failed: 1,
    failures: [{ input: 'b.jpg', error: 'HTTP 400: the image could not be read' }],
  }),
];

/** The exit hooks a reporter holds: a progress bar holds one until it is closed. */
const exitHooks = new Set<() => void>();
const onExit = (handler: () => void) => {
  exitHooks.add(handler);
  return () => exitHooks.delete(handler);
};

async function report(events: readonly BatchEvent[], overrides: Partial<ReporterOptions> = {}) {
  const stdout = new Capture();
  const stderr = overrides.stderr instanceof Capture ? overrides.stderr : new Capture();
  const reporter = await createReporter({
    json: false,
    quiet: false,
    verbose: false,
    progress: true,
    color: false,
    onExit,
    ...overrides,
    stdout,
    stderr,
  });
  for (const event of events) reporter.onEvent(event);
  reporter.close();
  return { stdout, stderr };
}

describe('choosing a reporter', () => {
  const base = {
    json: false,
    quiet: false,
    verbose: false,
    progress: true,
    color: false,
    stdout: new Capture(),
    onExit,
  };

  it('takes --json first, then the bar on a terminal, then plain lines', () => {
    const tty = new Capture({ columns: 80 });
    expect(reporterKind({ ...base, json: true, stderr: tty })).toBe('ndjson');
    expect(reporterKind({ ...base, stderr: tty })).toBe('progress');
    expect(reporterKind({ ...base, stderr: new Capture() })).toBe('lines');
    expect(reporterKind({ ...base, progress: false, stderr: tty })).toBe('lines');
    expect(reporterKind({ ...base, quiet: true, stderr: tty })).toBe('lines');
  });

  it('writes NDJSON to stdout with --json and human lines to stderr otherwise', async () => {
    const json = await report(run, { json: true });
    expect(json.stdout.lines.length).toBeGreaterThan(0);
    expect(json.stderr.text).not.toContain('ok      a.jpg');
    const plain = await report(run);
    expect(plain.stdout.text).toBe('');
    expect(plain.stderr.text).toContain('ok      a.jpg');
  });

  it('colours only a terminal without NO_COLOR', () => {
    expect(shouldColor({ isTTY: true }, {})).toBe(true);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(shouldColor({}, {})).toBe(false);
  });
});

describe('NDJSON', () => {
  it('prints one parseable object per input and a final summary', async () => {
    const { stdout } = await report(run, { json: true });
    const records = stdout.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((record) => record.type)).toEqual(['result', 'result', 'warning', 'result', 'summary']);
    expect(records[0]).toEqual({
      type: 'result',
      input: 'done.jpg',
      output: 'out/done.jpg',
      status: 'skipped',
      attempts: 0,
      ms: 0,
    });
    expect(records[1]).toEqual({
      type: 'result',
      input: 'a.jpg',
      output: 'out/a.png',
      status: 'ok',
      attempts: 1,
      ms: 1234,
      httpStatus: 200,
      headers: { 'pr-ai-background-seed': '42', 'x-uncertainty-score': '0.1' },
      uncertainty: 0.1,
    });
    expect(records[3]).toEqual({
      type: 'result',
      input: 'b.jpg',
      output: 'out/b.jpg',
      status: 'failed',
      error: 'HTTP 400: the image could not be read',
      attempts: 3,
      ms: 2100,
      httpStatus: 400,
    });
    expect(records[4]).toMatchObject({ type: 'summary', ok: 1, skipped: 1, failed: 1, exitCode: 1 });
  });

  it('gives the uncertainty score as a number only when the header reads as one', async () => {
    const scored = (score: string) => ok('a.jpg', { headers: { 'x-uncertainty-score': score } });
    const { stdout } = await report([scored('-1'), scored(' 0.25 '), scored('n/a'), scored(''), scored('1e999')], {
      json: true,
    });
    const records = stdout.lines.map(
      (line) => JSON.parse(line) as { uncertainty?: number; headers: Record<string, string> },
    );
    expect(records.map((record) => record.uncertainty)).toEqual([-1, 0.25, undefined, undefined, undefined]);
    expect(records[2]?.headers).toEqual({ 'x-uncertainty-score': 'n/a' });
  });

  it('writes each object whole, in one write ending with a newline', async () => {
    const { stdout } = await report(run, { json: true });
    expect(stdout.chunks.length).toBe(5);
    for (const chunk of stdout.chunks) expect(chunk).toMatch(/^\{[^\n]*\}\n$/);
  });

  it('adds start and retry events with --verbose', async () => {
    const { stdout } = await report(run, { json: true, verbose: true });
    const types = stdout.lines.map((line) => (JSON.parse(line) as { type: string }).type);
    expect(types).toEqual(['start', 'result', 'retry', 'result', 'warning', 'result', 'summary']);
  });

  it('passes plans and stops through as they are', async () => {
    const stop = { type: 'stop', reason: 'credits', message: 'no credits left (402)' } as const;
    const { stdout } = await report([start({ dryRun: true }), plan, stop], { json: true });
    expect(stdout.lines.map((line) => JSON.parse(line) as unknown)).toEqual([plan, stop]);
  });

  it('shows a person only warnings and the problems of the summary on stderr', async () => {
    const { stderr } = await report(run, { json: true });
    expect(stderr.lines).toEqual([
      'warning: c.jpg would also write out/c.png; writing out/c-1.png instead',
      'failed (1):',
      '  b.jpg: HTTP 400: the image could not be read',
    ]);
  });
});

describe('plain lines', () => {
  it('prints one line per input with its status, output, duration and attempts', async () => {
    const { stderr } = await report([
      start({ total: 120, skipped: 35, ignored: { ...noneIgnored, 'not-an-image': 4, hidden: 2 } }),
      ...run.slice(1),
    ]);
    expect(stderr.lines.slice(0, 4)).toEqual([
      'processing 120 images (35 already done, skipped; ignored: 4 not images, 2 hidden files)',
      'ok      a.jpg → out/a.png (1.2 s)',
      'warning: c.jpg would also write out/c.png; writing out/c-1.png instead',
      'failed  b.jpg: HTTP 400: the image could not be read (after 3 attempts)',
    ]);
  });

  it('adds skipped inputs and retries with --verbose', async () => {
    const { stderr } = await report(run, { verbose: true });
    expect(stderr.lines).toContain('skipped done.jpg (already done)');
    expect(stderr.lines).toContain('retry   b.jpg: HTTP 503: service unavailable (attempt 1, waiting 800 ms)');
  });

  it('keeps only failures, warnings and the summary with --quiet, even with --verbose', async () => {
    const { stderr } = await report(run, { quiet: true, verbose: true });
    expect(stderr.lines).toEqual([
      'warning: c.jpg would also write out/c.png; writing out/c-1.png instead',
      'failed  b.jpg: HTTP 400: the image could not be read (after 3 attempts)',
      'done in 1.5 s: 1 ok, 1 skipped, 1 failed',
      'failed (1):',
      '  b.jpg: HTTP 400: the image could not be read',
    ]);
  });

  it('prints a dry run on stdout as a shell script: each input as a comment, then its curl command', async () => {
    const { stdout, stderr } = await report(
      [start({ total: 1, dryRun: true }), plan, summary({ ok: 0, notProcessed: 1, ms: 12 })],
      { quiet: true },
    );
    expect(stdout.lines).toEqual(['# a.jpg → out/a.png', plan.curl]);
    expect(stderr.lines).toEqual(['dry run: 1 request planned, nothing sent (12 ms)']);
  });

  it('keeps a line break in a file name inside the comment', async () => {
    const { stdout } = await report([start({ total: 1, dryRun: true }), { ...plan, input: 'a\nrm -rf x.jpg' }]);
    expect(stdout.lines[0]).toBe('# a\\nrm -rf x.jpg → out/a.png');
  });

  it('counts only what --max-images left out of a dry run as left out', async () => {
    const planned = [start({ total: 1, dryRun: true }), plan];
    expect((await report([...planned, summary({ ok: 0, notProcessed: 1 })])).stderr.text).not.toContain('left out');
    expect((await report([...planned, summary({ ok: 0, notProcessed: 3 })])).stderr.lines).toContain(
      '2 inputs left out by --max-images; rerun to process them',
    );
  });

  it('shows a stop at once while running, and leaves one before the start to the summary', async () => {
    const stop = { type: 'stop', reason: 'credits', message: 'no credits left (402)' } as const;
    const during = (await report([start(), stop])).stderr.lines;
    expect(during).toContain('stopping: no credits left (402)');
    const before = (await report([stop, summary({ ok: 0, notProcessed: 3, stopped: 'credits' })])).stderr.lines;
    expect(before.filter((line) => line.includes('no credits left'))).toEqual([
      'stopped: no credits left (402); 3 inputs not processed — top up and rerun',
    ]);
  });
});

describe('the summary, by what the run already showed and which part it was', () => {
  // The plain lines and the progress bar both say these; the bar only on a terminal.
  const reporters = [
    ['lines', () => new Capture()],
    ['progress bar', () => new Capture({ columns: 80 })],
  ] as const;

  it.each(reporters)(
    '%s: says a stop while running once, and what it left undone in the summary',
    async (_kind, stderr) => {
      const interrupt = { type: 'stop', reason: 'interrupted', message: 'interrupted: no new work started' } as const;
      const { stderr: text } = await report(
        [
          start({ total: 3 }),
          ok('a.jpg'),
          interrupt,
          summary({ ok: 1, notProcessed: 2, stopped: 'interrupted', stopMessage: interrupt.message }),
        ],
        { stderr: stderr() },
      );
      const plain = text.text; // the summary comes after the bar, in plain text
      expect(plain.split('interrupted: no new work started')).toHaveLength(2);
      expect(plain.split('\n')).toContain('stopped: 2 inputs not processed — rerun to continue: finished work is kept');
    },
  );

  it.each(reporters)('%s: says "--verbose names them" only without --verbose', async (_kind, stderr) => {
    const ignoredOne = summary({ ignored: { ...noneIgnored, hidden: 1 } });
    const quiet = await report([start({ total: 1 }), ok('a.jpg'), ignoredOne], { stderr: stderr() });
    expect(quiet.stderr.text).toContain('(ignored: 1 hidden file; --verbose names them)');
    const verbose = await report([start({ total: 1 }), ok('a.jpg'), ignoredOne], { stderr: stderr(), verbose: true });
    expect(verbose.stderr.text).toContain('(ignored: 1 hidden file)');
    expect(verbose.stderr.text).not.toContain('--verbose names them');
  });

  it.each(reporters)("%s: names a shard's part in the headline", async (_kind, stderr) => {
    const shard = { index: 2, count: 3 };
    const done = await report([start({ total: 1 }), ok('a.jpg'), summary()], { stderr: stderr(), shard });
    expect(done.stderr.text).toMatch(/^shard 2 of 3 done in 1\.5 s: 1 ok, 0 skipped, 0 failed$/m);
    const stopped = await report([start({ total: 1 }), summary({ ok: 0, notProcessed: 1, stopped: 'interrupted' })], {
      stderr: stderr(),
      shard,
    });
    expect(stopped.stderr.text).toMatch(/^shard 2 of 3 stopped after 1\.5 s: /m);
  });

  it("names a shard's part in a dry run's headline", async () => {
    const dry = await report([start({ total: 1, dryRun: true }), plan, summary({ ok: 0, notProcessed: 1, ms: 12 })], {
      shard: { index: 1, count: 4 },
    });
    expect(dry.stderr.lines).toEqual([
      'planning 1 image (dry run: nothing is sent)',
      'dry run of shard 1 of 4: 1 request planned, nothing sent (12 ms)',
    ]);
  });
});

describe('a note', () => {
  const note = { type: 'note', message: 'TIFF images are converted to PNG before they are sent' } as const;

  it('is shown as a note, not a warning, and left out by --quiet', async () => {
    const shown = await report([start({ total: 1 }), note]);
    expect(shown.stderr.lines).toContain(`note: ${note.message}`);
    expect(shown.stderr.text).not.toContain('warning:');
    expect((await report([start({ total: 1 }), note], { quiet: true })).stderr.text).not.toContain(note.message);
  });

  it('is an NDJSON event of its own, and not among the problems --json puts on stderr', async () => {
    const { stdout, stderr } = await report([note], { json: true });
    expect(stdout.lines.map((line) => JSON.parse(line) as unknown)).toEqual([note]);
    expect(stderr.text).toBe('');
  });
});

describe('the rate after 429s without Retry-After', () => {
  const rates = [
    { type: 'rate', perMinute: 420, cause: 'limited' },
    { type: 'rate', perMinute: 294, cause: 'lowered' },
    { type: 'rate', perMinute: 330, cause: 'raised' },
  ] as const;
  const wording = [
    'rate    limited by the service (429 without Retry-After): holding ~420/min',
    'rate    lowered to ~294/min',
    'rate    raised to ~330/min',
  ];

  it('shows each change with --verbose, in plain lines and above the bar; not without, nor with --quiet', async () => {
    const events = [start({ total: 1 }), ...rates];
    expect((await report(events, { progress: false, verbose: true })).stderr.lines).toEqual([
      'processing 1 image',
      ...wording,
    ]);
    const bar = new Capture({ columns: 80 });
    await report(events, { stderr: bar, verbose: true });
    for (const line of wording) expect(bar.text).toContain(`${line}\n`);
    for (const options of [{ progress: false }, { progress: false, verbose: true, quiet: true }, {}]) {
      expect((await report(events, options)).stderr.text).not.toContain('rate ');
    }
  });

  it('is an NDJSON event as it is, with or without --verbose, and nothing on stderr', async () => {
    for (const verbose of [false, true]) {
      const { stdout, stderr } = await report(rates, { json: true, verbose });
      expect(stdout.lines.map((line) => JSON.parse(line) as unknown)).toEqual(rates);
      expect(stderr.text).toBe('');
    }
  });
});

describe('colour', () => {
  const everything: BatchEvent[] = [
    ...run.slice(0, -1),
    summary({
      failed: 1,
      failures: [{ input: 'b.jpg', error: 'x' }],
      unsupportedAttributes: [{ value: 'shadow.mode', count: 1 }],
      rateLimited: 2,
      stopped: 'interrupted',
      notProcessed: 1,
    }),
  ];

  it('writes no escape codes at all when off', async () => {
    for (const mode of [{}, { verbose: true }, { json: true }]) {
      const { stdout, stderr } = await report(everything, mode);
      expect(stderr.text).not.toContain(ESC);
      expect(stdout.text).not.toContain(ESC);
    }
  });

  it('paints statuses when on, and never the NDJSON', async () => {
    const { stderr } = await report(everything, { color: true });
    expect(stderr.text).toContain(`${ESC}[32mok${ESC}[39m      a.jpg`);
    expect(stderr.text).toContain(`${ESC}[31mfailed${ESC}[39m  b.jpg`);
    expect(stderr.text).toContain(`${ESC}[33mwarning:${ESC}[39m`);
    expect((await report(everything, { color: true, json: true })).stdout.text).not.toContain(ESC);
  });
});

describe('summary', () => {
  const style = createStyle(false);
  const human = { style, problemsOnly: false };

  it('lists at most 20 failures and says where the rest are', () => {
    const failures = Array.from({ length: 25 }, (_, i) => ({ input: `img-${i}.jpg`, error: 'HTTP 500: boom' }));
    const lines = summaryLines(summary({ ok: 118, skipped: 35, failed: 25, failures }), human);
    expect(lines[0]).toBe('done in 1.5 s: 118 ok, 35 skipped, 25 failed');
    expect(lines[1]).toBe('failed (25):');
    expect(lines.filter((line) => line.startsWith('  img-'))).toHaveLength(MAX_LISTED_FAILURES);
    expect(lines).toContain('  img-19.jpg: HTTP 500: boom');
    expect(lines).not.toContain('  img-20.jpg: HTTP 500: boom');
    expect(lines).toContain('  and 5 more; see photoroom-run.jsonl in the output folder');
  });

  it('gives the stop reason, what was not processed and what to do', () => {
    const lines = summaryLines(
      summary({ ok: 118, notProcessed: 40, stopped: 'credits', stopMessage: 'no credits left (402)', ms: 185_000 }),
      human,
    );
    expect(lines).toEqual([
      'stopped after 3 min 05 s: 118 ok, 0 skipped, 0 failed, 40 not processed',
      'stopped: no credits left (402); 40 inputs not processed — top up and rerun: finished work is kept',
    ]);
  });

  it('words the stop by its reason when the summary carries no message', () => {
    const lines = summaryLines(summary({ ok: 0, notProcessed: 1, stopped: 'interrupted' }), human);
    expect(lines).toContain('stopped: interrupted; 1 input not processed — rerun to continue');
  });

  it('offers no rerun when the stop left nothing undone (Ctrl-C ending --watch)', () => {
    const lines = summaryLines(
      summary({ ok: 2, notProcessed: 0, stopped: 'interrupted', stopMessage: 'interrupted: no new work started' }),
      human,
    );
    expect(lines).toContain('stopped: interrupted: no new work started');
    expect(lines.join('\n')).not.toContain('rerun');
  });

  it('explains inputs left out by --max-images', () => {
    expect(summaryLines(summary({ notProcessed: 7 }), human)).toContain(
      '7 inputs left out by --max-images; rerun to process them',
    );
  });

  it('warns loudly about parameters the API ignored, in colour when on', () => {
    const event = summary({
      unsupportedAttributes: [
        { value: 'shadow.mode', count: 12 },
        { value: 'lighting.mode', count: 1 },
      ],
    });
    const lines = summaryLines(event, human);
    expect(lines).toContain('WARNING: the API ignored parameters it does not support: shadow.mode (12 images)');
    expect(lines).toContain('WARNING: the API ignored parameters it does not support: lighting.mode (1 image)');
    const colored = summaryLines(event, { ...human, style: createStyle(true) });
    expect(colored.find((line) => line.includes('shadow.mode'))?.startsWith(`${ESC}[33m${ESC}[1mWARNING`)).toBe(true);
  });

  it('counts rate limits met, only when there were some, without calling them retried (some may not be)', () => {
    expect(summaryLines(summary({ rateLimited: 3 }), human)).toContain('3 requests were rate-limited (429)');
    expect(summaryLines(summary(), human).join('\n')).not.toContain('429');
  });

  it("says the rate an unannounced limit settled at, and the --rate for next time (the whole key's, with --shard)", () => {
    const settledRate = { perMinute: 200, suggestedRate: 600 };
    expect(summaryLines(summary({ settledRate: { perMinute: 200, suggestedRate: 200 } }), human)).toContain(
      'rate-limited: settled at ~200/min; next time `--rate 200` avoids the probing',
    );
    expect(summaryLines(summary({ settledRate }), { ...human, shard: { index: 2, count: 3 } })).toContain(
      'rate-limited: this shard settled at ~200/min, ~600/min for the 3 shards; next time `--rate 600` on each shard avoids the probing',
    );
    expect(summaryLines(summary({ settledRate }), { style, problemsOnly: true })).toEqual([]);
    expect(summaryLines(summary(), human).join('\n')).not.toContain('rate-limited:');
  });

  it('keeps only the problems for --json', () => {
    const event = summary({
      ok: 5,
      failed: 1,
      failures: [{ input: 'b.jpg', error: 'bad' }],
      rateLimited: 3,
      notProcessed: 2,
      stopped: 'key',
    });
    expect(summaryLines(event, { style, problemsOnly: true })).toEqual([
      'stopped: the API key was refused (403); 2 inputs not processed — fix the key and rerun: finished work is kept',
      'failed (1):',
      '  b.jpg: bad',
    ]);
  });
});

describe('durations', () => {
  it('reads as ms under a second, tenths of seconds under a minute, then minutes and hours', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(999.6)).toBe('1.0 s');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(59_960)).toBe('1 min 00 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(3_720_000)).toBe('1 h 02 min');
  });
});

describe('progress bar', () => {
  const tty = () => new Capture({ columns: 80 });

  it('draws on a terminal, logs failures above the bar, and prints the summary after it stops', async () => {
    const stderr = tty();
    await report(
      [
        start({ total: 4, skipped: 2 }),
        skipped('x.jpg'),
        skipped('y.jpg'),
        ok('a.jpg'),
        ok('b.jpg'),
        failed('c.jpg'),
        summary({ ok: 2, skipped: 2, failed: 1 }),
      ],
      {
        stderr,
      },
    );
    const text = stderr.text;
    expect(text).toContain(`${ESC}[?25l`); // cursor hidden while drawing
    expect(text).toMatch(/3\/4 █+░+ [\d.]+ img\/s {2}ETA (\d+ s|--) {2}ok 2 {2}skipped 2 {2}failed 1/);
    expect(text).toContain('failed  c.jpg: HTTP 400: the image could not be read (after 3 attempts)\n');
    expect(text).not.toContain('ok      a.jpg');
    expect(text).not.toContain('skipped x.jpg');
    const cursorBack = text.lastIndexOf(`${ESC}[?25h`);
    const summaryAt = text.indexOf('done in');
    expect(cursorBack).toBeGreaterThan(text.indexOf('failed  c.jpg'));
    expect(summaryAt).toBeGreaterThan(cursorBack);
    expect(text.slice(summaryAt)).not.toContain(ESC);
  });

  it('shows retries and skipped inputs above the bar with --verbose', async () => {
    const stderr = tty();
    const retry = {
      type: 'retry',
      input: 'a.jpg',
      attempt: 2,
      delayMs: 1500,
      error: 'HTTP 429: too many requests',
    } as const;
    await report([start({ total: 1, skipped: 1 }), skipped('x.jpg'), retry], { stderr, verbose: true });
    expect(stderr.text).toContain('skipped x.jpg (already done)\n');
    expect(stderr.text).toContain('retry   a.jpg: HTTP 429: too many requests (attempt 2, waiting 1.5 s)\n');
    const quiet = tty();
    await report([start({ total: 1 }), retry], { stderr: quiet });
    expect(quiet.text).not.toContain('retry');
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('draws the bar again under lines logged above it, even when its text has not changed', async () => {
    vi.useFakeTimers();
    const stderr = tty();
    const reporter = await createReporter({
      json: false,
      quiet: false,
      verbose: false,
      progress: true,
      color: false,
      stdout: new Capture(),
      stderr,
      onExit,
    });
    reporter.onEvent(start());
    vi.advanceTimersByTime(150);
    reporter.onEvent({ type: 'warning', message: 'something to know' });
    vi.advanceTimersByTime(150);
    const afterWarning = stderr.text.slice(stderr.text.indexOf('warning: something to know\n'));
    expect(afterWarning).toContain('0/3 ');
    reporter.close();
  });

  it('restores the cursor on close once, without a summary', async () => {
    const stderr = tty();
    const reporter = await createReporter({
      json: false,
      quiet: false,
      verbose: false,
      progress: true,
      color: false,
      stdout: new Capture(),
      stderr,
      onExit,
    });
    const before = exitHooks.size;
    reporter.onEvent(start());
    expect(exitHooks.size).toBe(before + 1); // restores the cursor if close() is never reached
    reporter.close();
    reporter.close();
    expect(stderr.text.split(`${ESC}[?25h`)).toHaveLength(2);
    expect(exitHooks.size).toBe(before);
  });

  it('prints a dry run as lines, without a bar', async () => {
    const stderr = tty();
    const { stdout } = await report([start({ total: 1, dryRun: true }), plan, summary({ ok: 0 })], { stderr });
    expect(stderr.text).not.toContain(ESC);
    expect(stdout.lines).toContain('# a.jpg → out/a.png');
  });

  it('fits the bar line to the width, giving up colour, then the bar', () => {
    const state = {
      done: 45,
      total: 120,
      tallies: batchTallies({ ok: 40, skipped: 35, failed: 5 }),
      elapsedMs: 25_000,
    };
    const wide = barLine({ ...state, width: 120 }, createStyle(true));
    expect(wide).toContain(ESC);
    expect(wide).toContain('█');
    expect(wide.length).toBeLessThan(120);
    const medium = barLine({ ...state, width: 80 }, createStyle(true));
    expect(medium).not.toContain(ESC);
    expect(medium).toContain('█');
    expect(medium.length).toBeLessThan(80);
    const narrow = barLine({ ...state, width: 40 }, createStyle(true));
    expect(narrow).toBe(' 45/120 1.8 img/s  ETA 42 s  ok 40  ski');
  });
});
