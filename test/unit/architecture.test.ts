/**
 * The layers of src/, as ARCHITECTURE.md draws them: no import cycles (type-only imports
 * included), each folder importing only the layers below it, commander only in cli/,
 * `process` and `node:os` only where the CLI meets the world, and no promise left floating
 * (the last two are eslint.config.js's rules, checked here).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = path.join(ROOT, 'src');

const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  .map((file) => file.split(path.sep).join('/'));
const sources = new Map(files.map((file) => [file, readFileSync(path.join(SRC, file), 'utf8')]));

/** Static, type-only and dynamic imports of a source file, as module specifiers. */
function specifiers(source: string): string[] {
  const found = [
    ...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/g),
    ...source.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ];
  return found.map((match) => match[1]!);
}

/** Local imports of `file`, as paths relative to src/. */
function localImports(file: string): string[] {
  return specifiers(sources.get(file)!)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) =>
      path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)).replace(/\.js$/, '.ts'),
    );
}

const graph = new Map(files.map((file) => [file, localImports(file)]));
const layerOf = (file: string) => (file.includes('/') ? file.split('/')[0]! : file.replace(/\.ts$/, ''));

/** Every cycle, as the files on it (Tarjan's strongly connected components). */
function cycles(): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string) => {
    indexOf.set(file, index);
    low.set(file, index++);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!indexOf.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, indexOf.get(next)!));
      }
    }
    if (low.get(file) === indexOf.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || graph.get(file)?.includes(file)) found.push(component.sort());
    }
  };
  for (const file of files) if (!indexOf.has(file)) visit(file);
  return found;
}

/** What each layer may import, besides itself and the root modules (backoff, errors, host, paths, secrets, unsafe-text, version). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  params: [],
  storage: [],
  inputs: ['params', 'storage'],
  api: ['params', 'inputs'],
  store: ['params', 'storage'],
  presets: ['params'],
  check: ['params', 'inputs', 'presets'],
  config: ['params', 'inputs', 'api', 'presets'],
  batch: ['params', 'inputs', 'api', 'store', 'storage', 'presets', 'check', 'config'],
  emulator: ['params', 'inputs', 'api'],
  report: ['params', 'inputs', 'api', 'store', 'storage', 'check'],
  cli: ['params', 'inputs', 'api', 'store', 'storage', 'presets', 'check', 'config', 'batch', 'emulator', 'report'],
  // The GitHub Action's step: the CLI run with --json, its records read back.
  action: [
    'params',
    'inputs',
    'api',
    'store',
    'storage',
    'presets',
    'check',
    'config',
    'batch',
    'emulator',
    'report',
    'cli',
  ],
};
const ROOT_MODULES = new Set([
  'backoff',
  'errors',
  'host',
  'near-miss',
  'paths',
  'regular-file',
  'secrets',
  'unsafe-text',
  'version',
  'index',
]);

describe('the layers of src/', () => {
  it('has no import cycles, type-only imports included', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(cycles()).toEqual([]);
  });

  it('imports only downwards: each folder uses the layers below it', () => {
    const wrong: string[] = [];
    for (const [file, imports] of graph) {
      const from = layerOf(file);
      if (ROOT_MODULES.has(from)) continue;
      for (const target of imports) {
        const to = layerOf(target);
        if (to !== from && !ROOT_MODULES.has(to) && !(ALLOWED[from] ?? []).includes(to))
          wrong.push(`${file} → ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps commander in cli/', () => {
    const users = files.filter(
      (file) => specifiers(sources.get(file)!).includes('commander') && !file.startsWith('cli/'),
    );
    expect(users).toEqual([]);
  });
});

describe('the process, read only in cli/io.ts', () => {
  /** Each way a module could reach the process or the machine, one per line. */
  const READS_THE_PROCESS = [
    "import { tmpdir } from 'node:os';",
    "import os from 'os';",
    "import { argv } from 'node:process';",
    'export const pid = process.pid;',
    'export const alive = (other: number) => process.kill(other, 0);',
    'export const runtime = process.versions.node;',
    'export const env = globalThis.process.env;',
    "export const home = async () => (await import('node:os')).homedir();",
  ];
  // The snippets are linted under made-up paths, which no tsconfig holds: the type-aware rules
  // (which need the file in the project) are off for them. The boundary rules need no types.
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfig: { ...tseslint.configs.disableTypeChecked, files: ['**/*.ts'] },
  });

  /** The lines of `code` the boundary rules refuse in `filePath` (unused imports and the like are another matter). */
  async function problems(filePath: string, code = READS_THE_PROCESS.join('\n')): Promise<number[]> {
    const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) });
    expect(result!.messages.filter((message) => message.fatal)).toEqual([]);
    return result!.messages
      .filter((message) => message.ruleId?.startsWith('no-restricted-'))
      .map((message) => message.line);
  }

  it('is refused everywhere below cli/io.ts, cli/ included, each way on its own line', async () => {
    const everyLine = READS_THE_PROCESS.map((_, index) => index + 1);
    for (const file of ['src/batch/x.ts', 'src/store/x.ts', 'src/cli/commands/x.ts', 'src/index.ts']) {
      expect(new Set(await problems(file)), file).toEqual(new Set(everyLine));
    }
  });

  it("is not asked for the working folder either: path.resolve takes the run's", async () => {
    const code = [
      "import path from 'node:path';",
      "export const implicit = path.resolve('x.png');",
      "export const explicit = (cwd: string) => path.resolve(cwd, 'x.png');",
    ].join('\n');
    expect(await problems('src/report/x.ts', code)).toEqual([2]);
    expect(await problems('src/cli/io.ts', code)).toEqual([]);
  });

  it('is allowed in cli/io.ts, and in tests', async () => {
    expect(await problems('src/cli/io.ts')).toEqual([]);
    expect(await problems('test/unit/x.test.ts')).toEqual([]);
  });
});

describe('promises, each awaited or handed to someone who waits', () => {
  it('refuses a promise left floating and one handed where nothing waits', async () => {
    // A real file of the project, so that the type-aware rules see its types; nothing is written.
    const file = path.join(SRC, 'batch/feeder.ts');
    const code = [
      readFileSync(file, 'utf8'),
      'const stopped = new AbortController().signal;',
      'export function forgetsTheFeed(items: number[]): void {',
      '  feed(items, () => Promise.resolve(), { bound: 1, stopped });',
      '}',
      'export function feedsFromForEach(items: number[]): void {',
      '  items.forEach((item) => feed([item], () => Promise.resolve(), { bound: 1, stopped }));',
      '}',
    ].join('\n');
    // The project's rules, with types from a program of this one file (it imports nothing)
    // instead of the whole checkout's, which took seconds to build.
    const folder = mkdtempSync(path.join(tmpdir(), 'photoroom-architecture-'));
    const tsconfig = path.join(folder, 'tsconfig.json');
    // Type roots as the checkout's own config finds them (this one lies elsewhere).
    const compilerOptions = { typeRoots: [path.join(ROOT, 'node_modules/@types')] };
    writeFileSync(
      tsconfig,
      JSON.stringify({ extends: path.join(ROOT, 'tsconfig.json'), compilerOptions, include: [], files: [file] }),
    );
    const eslint = new ESLint({
      cwd: ROOT,
      overrideConfig: {
        files: ['**/*.ts'],
        languageOptions: {
          parserOptions: {
            projectService: false,
            project: tsconfig,
            tsconfigRootDir: ROOT,
            // Under CI=true typescript-eslint assumes a single run and types the file as it is on
            // disk, not the text linted here: the lines added above would go unchecked.
            disallowAutomaticSingleRunInference: true,
          },
        },
      },
    });
    const [result] = await eslint.lintText(code, { filePath: file });
    const lines = code.split('\n');
    const found = result!.messages.map((message) => [message.ruleId, lines[message.line - 1]?.trim()]);
    expect(found).toEqual([
      ['@typescript-eslint/no-floating-promises', 'feed(items, () => Promise.resolve(), { bound: 1, stopped });'],
      [
        '@typescript-eslint/no-misused-promises',
        'items.forEach((item) => feed([item], () => Promise.resolve(), { bound: 1, stopped }));',
      ],
    ]);
  });
});
