/**
 * The README's CI recipe, run as written (with jq) through `bash -e` against the emulator: a
 * failed input must not stop the script before the line that lists the failures. And its
 * library example, run as a user's script that imports the package.
 */
import { chmod, copyFile, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
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

/** The first code block in `language` after a README heading. */
async function readmeScript(heading: string, language = 'sh'): Promise<string> {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(`\n${heading}\n`));
  const script = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``).exec(section)?.[1];
  if (!script) throw new Error(`no ${language} block under ${heading} in README.md`);
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
  it("lists the failed inputs with jq under set -e, then exits with the run's code", async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'assets/products'), { recursive: true });
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'assets/products/mug.jpg'));
    await writeFile(path.join(root, 'assets/products/broken.jpg'), 'not an image at all');
    await writeFile(path.join(root, 'recipe.sh'), await readmeScript('### In a shell script or CI job'));

    const bin = await photoroomOnPath();
    const { code, stdout } = await runProgram('bash', ['-e', 'recipe.sh'], {
      cwd: root,
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        PHOTOROOM_KEY_FROM_SECRETS: 'sk_test_ci_recipe',
        PHOTOROOM_BASE_URL: emulator.url,
      },
    });
    expect(stdout).toBe('assets/products/broken.jpg\n');
    expect(code).toBe(1);
    expect(await readFile(path.join(root, 'dist/images/mug.png'))).toEqual(
      await readFile(path.join(FIXTURES, 'mug.jpg')),
    );
  });
});

describe('the README library example', () => {
  it('runs as written in a script of its own, its relative folders read from its cwd', async () => {
    const root = await tempDir();
    await mkdir(path.join(root, 'products'));
    await copyFile(path.join(FIXTURES, 'mug.jpg'), path.join(root, 'products/mug.jpg'));
    // `import ... from 'photoroom'` finds this checkout, as it would find the installed package.
    await mkdir(path.join(root, 'node_modules'));
    await symlink(ROOT, path.join(root, 'node_modules/photoroom'));
    const example = await readmeScript('### As a library', 'js');
    // The one change: the client talks to the emulator instead of the real API.
    await writeFile(
      path.join(root, 'example.mjs'),
      example.replace('createClient({ ', `createClient({ baseUrl: '${emulator.url}', `),
    );

    const { code, stdout, stderr } = await runProgram(process.execPath, ['example.mjs'], {
      cwd: root,
      env: { PHOTOROOM_API_KEY: 'sk_test_library' },
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('result products/mug.jpg');
    expect(await readdir(path.join(root, 'photoroom-out'))).toContain('mug.png');
  });
});
