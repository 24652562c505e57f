/**
 * The layers of src/, as ARCHITECTURE.md draws them: no import cycles (type-only imports
 * included), each folder importing only the layers below it, commander only in cli/, and
 * `process` only where the CLI meets the world.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  .map((file) => file.split(path.sep).join('/'));
const sources = new Map(files.map((file) => [file, readFileSync(path.join(SRC, file), 'utf8')]));

/** Static, type-only and dynamic imports of a source file, as module specifiers. */
function specifiers(source: string): string[] {
  const found = [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/g), ...source.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)];
  return found.map((match) => match[1]!);
}

/** Local imports of `file`, as paths relative to src/. */
function localImports(file: string): string[] {
  return specifiers(sources.get(file)!)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)).replace(/\.js$/, '.ts'));
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

/** What each layer may import, besides itself and the root modules (errors, paths, secrets, unsafe-text, version). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  params: [],
  inputs: ['params'],
  api: ['params', 'inputs'],
  store: ['params'],
  config: ['params', 'inputs', 'api'],
  batch: ['params', 'inputs', 'api', 'store', 'config'],
  emulator: ['params', 'inputs', 'api'],
  report: ['params', 'inputs', 'api', 'store'],
  cli: ['params', 'inputs', 'api', 'store', 'config', 'batch', 'emulator', 'report'],
};
const ROOT_MODULES = new Set(['errors', 'paths', 'regular-file', 'secrets', 'unsafe-text', 'version', 'index']);

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
        if (to !== from && !ROOT_MODULES.has(to) && !(ALLOWED[from] ?? []).includes(to)) wrong.push(`${file} → ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps commander in cli/', () => {
    const users = files.filter((file) => specifiers(sources.get(file)!).includes('commander') && !file.startsWith('cli/'));
    expect(users).toEqual([]);
  });

  it('touches the process streams, signals and exit only in cli/io.ts', () => {
    const touching = files.filter(
      (file) => file !== 'cli/io.ts' && /\bprocess\.(stdin|stdout|stderr|on|once|off|exit|env|cwd)\b/.test(sources.get(file)!),
    );
    expect(touching).toEqual([]);
  });
});
