/**
 * The README's CI recipe, run as written (with jq) through `bash -e` against the emulator: a
 * failed input must not stop the script before the line that lists the failures.
 */
import { chmod, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { BIN, FIXTURES, recordingEmulator, ROOT, runProgram, tempDir } from './harness.js';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await recordingEmulator({ echo: true });
});

afterAll(async () => {
  await emulator.close();
});

/** The first `sh` code block after a README heading. */
async function readmeScript(heading: string): Promise<string> {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(`\n${heading}\n`));
  const script = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!script) throw new Error(`no sh block under ${heading} in README.md`);
  return script;
}

/** A folder holding a `photoroom` command that runs the built CLI, for PATH. */
async function photoroomOnPath(): Promise<string> {
  const bin = await tempDir('photoroom-bin-');
  const command = path.join(bin, 'photoroom');
  await writeFile(command, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  await chmod(command, 0o755);
  return bin;
}

describe('the README CI recipe', () => {
  it('lists the failed inputs with jq under set -e, then exits with the run\'s code', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'assets/products'), { recursive: true });
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'assets/products/mug.jpg'));
    await writeFile(path.join(root, 'assets/products/broken.jpg'), 'not an image at all');
    await writeFile(path.join(root, 'recipe.sh'), await readmeScript('### In a shell script or CI job'));

    const bin = await photoroomOnPath();
    const { code, stdout } = await runProgram('bash', ['-e', 'recipe.sh'], {
      cwd: root,
      env: { PATH: `${bin}:${process.env.PATH}`, PHOTOROOM_KEY_FROM_SECRETS: 'sk_test_ci_recipe', PHOTOROOM_BASE_URL: emulator.url },
    });
    expect(stdout).toBe('assets/products/broken.jpg\n');
    expect(code).toBe(1);
    expect(await readFile(path.join(root, 'dist/images/mug.png'))).toEqual(await readFile(path.join(FIXTURES, 'mug.jpg')));
  });
});
