/**
 * The first minutes of a fresh clone: README's Install, then its Quick start. `npm ci` must
 * end without an advisory a newcomer cannot act on, and the Quick start must not install again.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function json(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(ROOT, file), 'utf8')) as Record<string, unknown>;
}

/** The shell lines of a README section's code blocks. */
function commandsUnder(readme: string, heading: string): string[] {
  const section = readme.split(/^## /m).find((part) => part.startsWith(`${heading}\n`)) ?? '';
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) => block[1]!.trim().split('\n'));
}

describe('a fresh install', () => {
  it("decides every dependency's install script in package.json, so npm ci lists none as unreviewed", async () => {
    const lock = (await json('package-lock.json')) as { packages: Record<string, { hasInstallScript?: boolean }> };
    const allowScripts = ((await json('package.json')).allowScripts ?? {}) as Record<string, boolean>;
    const decided = new Set(Object.keys(allowScripts).map((entry) => entry.replace(/(?<=.)@.*$/, '')));
    const withScripts = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([where]) => where.replace(/^.*node_modules\//, ''));
    expect(withScripts).toContain('esbuild');
    for (const name of withScripts) expect(decided, name).toContain(name);
  });

  it('has the Quick start run nothing the Install section already ran', async () => {
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    const installed = commandsUnder(readme, 'Install').map((line) => line.replace(/\s+#.*$/, ''));
    expect(installed).toContain('npm ci');
    const quickStart = commandsUnder(readme, 'Quick start');
    expect(quickStart.length).toBeGreaterThan(0);
    for (const line of quickStart)
      for (const command of installed) expect(line.split(/\s*&&\s*/), line).not.toContain(command);
  });
});
