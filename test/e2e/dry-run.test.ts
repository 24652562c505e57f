/**
 * `--dry-run` prints a shell script of curl commands on stdout: run here with `sh` against an
 * emulator that answers each upload with its own bytes, the files and their names must
 * arrive intact whatever characters the names hold.
 */
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { runInProcess } from '../support/in-process.js';
import { emulatorEnv, FIXTURES, recordingEmulator, runProgram, tempDir } from './harness.js';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await recordingEmulator({ echo: true });
});

afterAll(async () => {
  await emulator.close();
});

/**
 * Names curl's -F would cut or misread if they were written as they are, and names a
 * terminal would act on (clear the screen, a C1 CSI, a bidi override) if printed raw.
 */
const AWKWARD_NAMES = [
  'semi;colon.jpg',
  'a;type=text.jpg',
  'com,ma.jpg',
  'dou"ble.jpg',
  "sin'gle.jpg",
  'back\\slash.jpg',
  ' lead.jpg',
  'trail .jpg',
  "esc\x1b[2J'%s\\.jpg",
  'c1\u009b2J\tx.jpg',
  'rlo\u202egpj.jpg',
];

/** A raw character a terminal would act on, the line feeds that end lines aside. */
// eslint-disable-next-line no-control-regex -- the very characters the plan must not hold
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/;

describe('--dry-run', () => {
  it('prints the plan on stdout and the summary on stderr', async () => {
    const root = await tempDir();
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'mug.jpg'));
    const { code, stdout, stderr } = await runInProcess(
      ['edit', 'mug.jpg', '--bg', 'white', '--dry-run', '-o', 'out'],
      { cwd: root, env: emulatorEnv(emulator) },
    );
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      '# mug.jpg → out/mug.png',
      `curl --fail-with-body -sS -X POST ${emulator.url}/v2/edit -H "x-api-key: $PHOTOROOM_API_KEY" -F imageFile=@mug.jpg --form-string background.color=white --create-dirs -o out/mug.png`,
      '',
    ]);
    expect(stderr).toContain('dry run: 1 request planned, nothing sent');
    expect(stderr).not.toContain('curl');
  });

  it('plans the model-version headers a real run sends, and its commands send them', async () => {
    const root = await tempDir();
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'mug.jpg'));
    const env = emulatorEnv(emulator);
    const args = ['edit', 'mug.jpg', '--shadow.mode', 'ai.preset-soft', '--ai-shadows-model-version', '2026-04-15'];
    const planned = await runInProcess([...args, '--dry-run', '-o', 'out'], { cwd: root, env });
    expect(planned.code).toBe(0);
    expect(planned.stdout).toContain(`-H 'pr-ai-shadows-model-version: 2026-04-15'`);
    const json = await runInProcess([...args, '--dry-run', '--json', '-o', 'out'], { cwd: root, env });
    const events = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    expect(events.find((event) => event.type === 'plan')).toMatchObject({
      headers: { 'pr-ai-shadows-model-version': '2026-04-15' },
    });

    await writeFile(path.join(root, 'plan.sh'), planned.stdout);
    const before = emulator.requests.length;
    expect((await runProgram('sh', ['-e', 'plan.sh'], { cwd: root, env })).code).toBe(0);
    const sent = await runInProcess([...args, '-o', 'real'], { cwd: root, env });
    expect(sent.code).toBe(0);
    const [fromPlan, fromRun] = emulator.requests.slice(before);
    expect(fromPlan?.headers['pr-ai-shadows-model-version']).toBe('2026-04-15');
    expect(fromPlan?.headers['pr-ai-shadows-model-version']).toBe(fromRun?.headers['pr-ai-shadows-model-version']);
  });

  it('writes curl commands that send awkward file names and their bytes intact', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'in'));
    for (const name of AWKWARD_NAMES) await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'in', name));
    await copyFile(path.join(FIXTURES, 'bottle.png'), path.join(root, 'back;ground,"x".png'));
    const env = emulatorEnv(emulator);
    const planned = await runInProcess(
      ['edit', 'in', '--background.imageFile', 'back;ground,"x".png', '--dry-run', '-o', 'out'],
      { cwd: root, env },
    );
    expect(planned.code).toBe(0);
    expect(planned.stdout).not.toMatch(RAW_CONTROL);
    await writeFile(path.join(root, 'plan.sh'), planned.stdout);

    const before = emulator.requests.length;
    const ran = await runProgram('sh', ['-e', 'plan.sh'], { cwd: root, env });
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const uploads = emulator.requests
      .slice(before)
      .map((request) => request.fields.filter(([, value]) => typeof value !== 'string'));
    expect(uploads).toHaveLength(AWKWARD_NAMES.length);
    const mug = await readFile(path.join(FIXTURES, 'mug.jpg'));
    const outputs = (await readdir(path.join(root, 'out'), { recursive: true, withFileTypes: true })).filter((entry) =>
      entry.isFile(),
    );
    expect(outputs).toHaveLength(AWKWARD_NAMES.length);
    for (const output of outputs)
      expect(await readFile(path.join(output.parentPath, output.name)), output.name).toEqual(mug);
    for (const name of AWKWARD_NAMES) {
      expect(uploads).toContainEqual([
        ['imageFile', expect.objectContaining({ filename: name, size: mug.length })],
        ['background.imageFile', expect.objectContaining({ filename: 'back;ground,"x".png' })],
      ]);
    }
  });

  it('with --emulator, points the commands at an emulator on port 8787 and says none is running', async () => {
    const root = await tempDir();
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'mug.jpg'));
    const { code, stdout } = await runInProcess(['edit', 'mug.jpg', '--emulator', '--dry-run'], { cwd: root });
    expect(code).toBe(0);
    const [note, , curl] = stdout.split('\n');
    expect(note).toMatch(/^# .*none was started for this dry run: start one with `photoroom emulator --port 8787`/);
    expect(curl).toContain(' http://127.0.0.1:8787/v2/edit ');
  });
});
