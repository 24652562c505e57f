/**
 * The GitHub Action (action.yml) run step by step as the runner runs a composite action
 * (test/support/github-runner.ts), against the emulator: a batch with a failed input whose
 * name holds Markdown and HTML, and outputs a preset refuses, then `check` over what it
 * made. The job summary is read back as Markdown tables, the step outputs as the runner
 * reads GITHUB_OUTPUT. Two Node processes in all: one per run of the action. The runs that
 * end before a batch (exit 2) run in this process.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { runAction as runActionStep } from '../../src/action/main.js';
import {
  loadAction,
  parseOutputFile,
  runCompositeAction,
  type ActionRun,
  type CompositeAction,
} from '../support/github-runner.js';
import { markdownTables } from '../support/markdown-tables.js';
import { memoryIo } from '../support/memory-io.js';
import { cleanEnv, FIXTURES, recordingEmulator, ROOT, tempDir } from './harness.js';

const KEY = 'sk_test_action_secret_0123456789';
/** A name a Markdown table would break on, were it not escaped; in a folder whose name needs quotes. */
const BROKEN = 'odd shots/bro|ken <b>`x` *a*_b_ [l](u) $m$ &amp;.jpg';

let emulator: RunningEmulator;
let action: CompositeAction;
let workspace: string;
let edit: ActionRun;
let check: ActionRun;

async function runAction(inputs: Record<string, string>): Promise<ActionRun> {
  return runCompositeAction(action, {
    actionPath: ROOT,
    workspace,
    inputs,
    // As a workflow's env: would give it; the key comes only through the api-key input.
    env: { PHOTOROOM_BASE_URL: emulator.url },
  });
}

beforeAll(async () => {
  // This checkout is the action's folder: were it not built, the action's install step would
  // run `npm ci` in it, replacing node_modules under every other test worker.
  if (!existsSync(path.join(ROOT, 'dist/action/main.js')))
    throw new Error('dist/ is not built: `npm test` builds it first (or run `npm run build`)');
  emulator = await recordingEmulator();
  action = await loadAction(path.join(ROOT, 'action.yml'));
  workspace = path.join(await tempDir(), 'workspace');
  await mkdir(path.join(workspace, 'odd shots'), { recursive: true });
  for (const name of ['mug.jpg', 'sneaker.jpg']) await copyFile(path.join(FIXTURES, name), path.join(workspace, name));
  await writeFile(path.join(workspace, BROKEN), 'this is not a JPEG');
  // amazon at 600×600 with a byte limit no output meets: every output is refused.
  await writeFile(
    path.join(workspace, '.photoroomrc'),
    JSON.stringify({
      presets: { tight: { extends: 'amazon', params: { outputSize: '600x600' }, checks: { maxBytes: 1000 } } },
    }),
  );
  edit = await runAction({
    inputs: `mug.jpg sneaker.jpg\n"odd shots"\n`,
    output: 'out',
    preset: 'tight',
    args: '--yes --concurrency 2',
    'api-key': KEY,
  });
  check = await runAction({ command: 'check', inputs: 'out', preset: 'tight' });
}, 60_000);

afterAll(async () => {
  await emulator?.close();
});

describe('the action, its steps run as the runner runs them', () => {
  it('skips setup-node and, the checkout being built, the install; then runs photoroom once', () => {
    expect(edit.steps.map((step) => [step.name, step.ran])).toEqual([
      ['actions/setup-node@v4', false],
      ['Install photoroom', true],
      ['Run photoroom', true],
    ]);
    expect(edit.steps[1]!.stdout).toBe(`photoroom is built in ${ROOT}\n`);
    expect(emulator.requests.filter((request) => request.path.startsWith('/v2/edit'))).toHaveLength(2);
  });

  it("fails the step with photoroom's exit code, and logs each result in words", () => {
    const run = edit.steps[2]!;
    expect(edit.code, run.stderr).toBe(1);
    expect(run.stdout).toContain(`failed  ${BROKEN}: not an image: unrecognised bytes`);
    expect(run.stdout).toMatch(/^ok {6}mug\.jpg → out\/mug\.jpg/m);
    expect(run.stdout).toMatch(/^refused out\/sneaker\.jpg: .* tight wants 1 kB or less$/m);
    expect(run.stdout).toContain('photoroom edit: 2 ok, 0 skipped, 1 failed, 2 credits used; exit 1 (');
    // Workflow commands are off while photoroom speaks: a name cannot forge one.
    const token = /^::stop-commands::([\w-]+)$/m.exec(run.stderr)?.[1];
    expect(token).toBeDefined();
    expect(run.stderr.trimEnd().endsWith(`::${token}::`)).toBe(true);
  });

  it('sets the outputs: counts, credits, the exit code, the failed input and the refused outputs', async () => {
    expect(edit.outputs).toMatchObject({
      ok: '2',
      skipped: '0',
      failed: '1',
      'not-processed': '0',
      refused: '2',
      credits: '2',
      'exit-code': '1',
      'failed-inputs': BROKEN,
    });
    expect(edit.outputs['refused-outputs']!.split('\n').sort()).toEqual(['out/mug.jpg', 'out/sneaker.jpg']);
    const events = (await readFile(edit.outputs.events!, 'utf8')).trimEnd().split('\n');
    expect(events.map((line) => (JSON.parse(line) as { type: string }).type).sort()).toEqual([
      'result',
      'result',
      'result',
      'summary',
    ]);
  });

  it('writes a summary whose tables render: counts, the failure escaped, each refused output', () => {
    const [counts, failed, rules, refused] = markdownTables(edit.summary);
    expect(counts).toMatchObject({
      head: ['ok', 'skipped (done before)', 'failed', 'not processed', 'credits used'],
      rows: [['2', '0', '1', '0', '2']],
    });
    expect(failed).toMatchObject({ head: ['input', 'reason'], rows: [[BROKEN, 'not an image: unrecognised bytes']] });
    // Rendered as the name itself: no emphasis, code, link, math or HTML made of its characters.
    expect(failed!.markup[0]).toEqual([[], []]);
    expect(rules).toMatchObject({ head: ['rule', 'outputs'], rows: [['maxBytes', '2']] });
    expect(refused!.head).toEqual(['output', 'why']);
    expect(refused!.rows.map(([output]) => output).sort()).toEqual(['out/mug.jpg', 'out/sneaker.jpg']);
    expect(edit.summary).toMatch(/^## photoroom edit: 2 ok, 0 skipped, 1 failed$/m);
    expect(edit.summary).toContain('**Exit code 1**: some inputs failed');
    expect(edit.summary).toMatch(/^### Outputs tight would refuse: 2 of 2$/m);
  });

  it('hands the key to photoroom in its environment, and shows it nowhere', async () => {
    const sent = emulator.requests.filter((request) => request.path.startsWith('/v2/edit'));
    expect(sent.map((request) => request.headers['x-api-key'])).toEqual([KEY, KEY]);
    const events = await readFile(edit.outputs.events!, 'utf8');
    const shown = [
      edit.summary,
      ...edit.outputFiles,
      events,
      ...edit.steps.flatMap((step) => [step.stdout, step.stderr]),
    ];
    for (const text of shown) expect(text).not.toContain(KEY.slice(-12));
  });

  it('runs check: exit 5, the images it would refuse, no credits', () => {
    expect(check.code, check.steps[2]!.stderr).toBe(5);
    expect(check.outputs).toMatchObject({ ok: '0', failed: '0', refused: '2', credits: '0', 'exit-code': '5' });
    expect(check.summary).toMatch(
      /^## photoroom check against tight: 0 pass, 2 would be refused, 0 could not be read$/m,
    );
    const [counts, rules, refused] = markdownTables(check.summary);
    expect(counts!.rows).toEqual([['0', '2', '0', '0']]);
    expect(rules!.rows).toEqual([['maxBytes', '2']]);
    expect(refused!.rows.map(([image]) => image).sort()).toEqual(['out/mug.jpg', 'out/sneaker.jpg']);
  });
});

describe('the action before photoroom runs its batch (in this process)', () => {
  async function runInProcess(inputs: Record<string, string>) {
    const folder = await tempDir();
    const files = { GITHUB_STEP_SUMMARY: path.join(folder, 'summary.md'), GITHUB_OUTPUT: path.join(folder, 'output') };
    for (const file of Object.values(files)) await writeFile(file, '');
    const io = memoryIo({
      env: { ...cleanEnv(), ...files, RUNNER_TEMP: folder, ...inputs },
      cwd: workspace,
      tmpdir: folder,
    });
    const code = await runActionStep(io);
    return {
      code,
      stderr: io.err(),
      summary: await readFile(files.GITHUB_STEP_SUMMARY, 'utf8'),
      outputs: parseOutputFile(await readFile(files.GITHUB_OUTPUT, 'utf8')),
    };
  }

  it('refuses a command it does not run: exit 2, and says so in the summary and outputs', async () => {
    const run = await runInProcess({ INPUT_COMMAND: 'resize', INPUT_INPUTS: 'mug.jpg' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `photoroom action: the action's command input is "resize": use edit, segment or check`,
    );
    expect(run.summary).toContain('**Exit code 2**: usage or start-up error: nothing was sent.');
    expect(run.summary).toContain('> the action\'s command input is "resize": use edit, segment or check<br>');
    expect(run.outputs).toMatchObject({ ok: '0', failed: '0', 'exit-code': '2' });
  });

  it("shows photoroom's own refusal, the key masked even where a name holds it", async () => {
    const run = await runInProcess({ INPUT_INPUTS: `missing-${KEY}.jpg`, INPUT_API_KEY: KEY });
    expect(run.code).toBe(2);
    expect(run.summary).toMatch(/^> photoroom: missing-\\\*\\\*\\\*\.jpg: no such file/m);
    expect(run.summary + JSON.stringify(run.outputs) + run.stderr).not.toContain(KEY.slice(-12));
  });
});
